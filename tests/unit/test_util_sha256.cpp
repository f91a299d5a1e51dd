#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "fetch/download_cache.hpp"
#include "util/sha256.hpp"

using namespace tailor;

namespace {
const std::string k_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";  // SHA-256("abc")
}

TEST_CASE("normalize_checksum") {
  SUBCASE("trims, lowercases and drops the algorithm prefix") {
    CHECK(util::normalize_checksum("  SHA256:BA78  ") == "ba78");
    CHECK(util::normalize_checksum("abc") == "abc");
    CHECK(util::normalize_checksum("") == "");
  }
  // Before util/sha256 the install steps kept the space after the colon (" ba78...") while the
  // downloader trimmed it, so a recipe checksum "sha256: <hex>" was accepted for the download
  // and then failed the install's comparison. Both now read it the same way.
  SUBCASE("a space after the prefix is trimmed, as the downloader always did") {
    CHECK(util::normalize_checksum("sha256: " + k_abc) == k_abc);
    auto fetched = fetch::normalize_sha256("sha256: " + k_abc);
    REQUIRE(fetched.has_value());
    CHECK(*fetched == util::normalize_checksum("sha256: " + k_abc));
  }
  SUBCASE("the downloader still refuses what is not 64 hex digits") {
    CHECK_FALSE(fetch::normalize_sha256("sha256:abc").has_value());
    CHECK(fetch::normalize_sha256(" ").value() == "");
  }
}

TEST_CASE("sha256_hex") {
  CHECK(util::sha256_hex("abc") == k_abc);
  CHECK(util::sha256_bytes("abc").size() == 32);
  CHECK(util::to_hex(util::sha256_bytes("abc")) == k_abc);
  util::Sha256 streamed;
  streamed.update("a", 1);
  streamed.update("bc", 2);
  CHECK(streamed.hex_digest() == k_abc);
}

TEST_CASE("file_digest") {
  { std::ofstream("digest.txt") << "abc"; }
  CHECK(util::file_digest("digest.txt").value() == k_abc);
  CHECK(util::file_digest("digest.txt", "sha512").value().size() == 128);
  CHECK_FALSE(util::file_digest("digest.txt", "md5").has_value());
  CHECK_FALSE(util::file_digest("missing.txt").has_value());
}
