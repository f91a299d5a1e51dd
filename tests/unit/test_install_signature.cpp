// Detached OpenPGP signatures checked with GPGME in tailor's own keyring, against a key pair
// made at test time with gpg --batch.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "install/signature.hpp"
#include "support/gpg_signer.hpp"
#include "support/scratch.hpp"
#include "util/strings.hpp"

using namespace tailor;
namespace fs = std::filesystem;

namespace {

// The signer is made once: generating a key takes gpg a moment.
const test::GpgSigner& signer() {
  static const test::GpgSigner k_signer;
  return k_signer;
}

struct Fixture {
  fs::path dir = test::fresh_dir("signature");
  fs::path artifact = dir / "tool.tar.gz";
  install::SignatureCheck check;

  Fixture() {
    test::write_text(artifact, "the release bytes\n");
    check.keyring = dir / "home" / "keys" / "gnupg";
    check.artifact = artifact;
    check.signature = signer().sign("the release bytes\n");
    check.key = signer().public_key();
    check.spec = {"https://example.org/tool.tar.gz.asc", "https://example.org/key.asc", signer().fingerprint()};
    check.artifact_url = "https://example.org/tool.tar.gz";
  }
};

}  // namespace

TEST_CASE("verify_signature") {
  Fixture f;
  SUBCASE("a good signature by the recipe's key; the keyring is private") {
    auto verified = install::verify_signature(f.check);
    CHECK_MESSAGE(verified.has_value(), verified.error().message);
    CHECK(test::mode_of(f.check.keyring) == 0700);
    CHECK(test::mode_of(f.check.keyring.parent_path()) == 0700);
    SUBCASE("the fingerprint compares without case or spaces") {
      std::string spaced;
      for (size_t i = 0; i < 40; i += 4) spaced += util::to_lower(f.check.spec.fingerprint.substr(i, 4)) + " ";
      f.check.spec.fingerprint = spaced;
      auto again = install::verify_signature(f.check);
      CHECK_MESSAGE(again.has_value(), again.error().message);
    }
  }
  SUBCASE("a tampered artifact: bad signature, exit 9") {
    test::write_text(f.artifact, "the release bytes, changed\n");
    auto verified = install::verify_signature(f.check);
    REQUIRE_FALSE(verified.has_value());
    CHECK(verified.error().kind == ErrorKind::checksum);
    CHECK(verified.error().message.find("bad signature for https://example.org/tool.tar.gz") != std::string::npos);
  }
  SUBCASE("a key whose fingerprint is not the recipe's") {
    f.check.spec.fingerprint = std::string(40, 'A');
    auto verified = install::verify_signature(f.check);
    REQUIRE_FALSE(verified.has_value());
    CHECK(verified.error().kind == ErrorKind::checksum);
    CHECK(verified.error().message.find("has fingerprint " + signer().fingerprint()) != std::string::npos);
    CHECK(verified.error().message.find("expects " + std::string(40, 'A')) != std::string::npos);
  }
  SUBCASE("a signature by another key, although the recipe's key is imported") {
    test::GpgSigner other("someone else <other@tailor.invalid>");
    f.check.signature = other.sign("the release bytes\n");
    auto verified = install::verify_signature(f.check);
    REQUIRE_FALSE(verified.has_value());
    CHECK(verified.error().kind == ErrorKind::checksum);
    CHECK(verified.error().message.find("not by the recipe's key") != std::string::npos);
    SUBCASE("even when the other key sits in the keyring from an earlier install") {
      install::SignatureCheck earlier = f.check;
      earlier.key = other.public_key();
      earlier.spec.fingerprint = other.fingerprint();
      auto good = install::verify_signature(earlier);  // its own recipe: good
      REQUIRE_MESSAGE(good.has_value(), good.error().message);
      auto again = install::verify_signature(f.check);
      REQUIRE_FALSE(again.has_value());
      CHECK(again.error().kind == ErrorKind::checksum);
      CHECK(again.error().message.find("not by the recipe's key") != std::string::npos);
    }
  }
  SUBCASE("no signature in the signature file, or no key in the key file") {
    f.check.signature = "<html>not found</html>";
    auto no_signature = install::verify_signature(f.check);
    REQUIRE_FALSE(no_signature.has_value());
    CHECK(no_signature.error().kind == ErrorKind::checksum);
    f.check.signature = signer().sign("the release bytes\n");
    f.check.key = "not a key";
    auto no_key = install::verify_signature(f.check);
    REQUIRE_FALSE(no_key.has_value());
    CHECK(no_key.error().kind == ErrorKind::checksum);
    CHECK(no_key.error().message.find("https://example.org/key.asc") != std::string::npos);
  }
}

TEST_CASE("signature_of") {
  SUBCASE("none, all three, or a refusal for part of them") {
    CHECK_FALSE(install::signature_of(nlohmann::ordered_json{{"url", "u"}}).value().has_value());
    auto all = install::signature_of(
        nlohmann::ordered_json{{"signature_url", "s"}, {"signature_key_url", "k"}, {"signature_key_fingerprint", "f"}});
    REQUIRE(all.has_value());
    REQUIRE(all->has_value());
    CHECK((*all)->url == "s");
    CHECK((*all)->key_url == "k");
    CHECK((*all)->fingerprint == "f");
    auto part = install::signature_of(nlohmann::ordered_json{{"signature_url", "s"}});
    REQUIRE_FALSE(part.has_value());
    CHECK(part.error().kind == ErrorKind::invalid_input);
  }
  SUBCASE("normalize_fingerprint") { CHECK(install::normalize_fingerprint(" ab cd\tEF ") == "ABCDEF"); }
}
