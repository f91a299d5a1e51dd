// Air-gapped bundles: `tailor fetch --plan --into`, then `install --plan --from --offline`
// after the server is gone.
#include <doctest/doctest.h>

#include <memory>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

TEST_CASE("fetch --plan --into and install --from --offline") {
  auto server = std::make_unique<HttpsServer>();
  fs::path dir = fresh_dir("bundle-test");
  fs::create_directories(dir / "sysroot");
  write_text(dir / "facts.json", R"({"facts_version": 1, "os": "linux", "arch": "amd64", "gpu": "none"})");
  RunOptions options;
  options.env = {{"TAILOR_HOME", (dir / "home").string()},
                 {"TAILOR_CA_BUNDLE", server->ca_file().string()},
                 {"TAILOR_SYSROOT", (dir / "sysroot").string()},
                 {"TAILOR_FACTS", (dir / "facts.json").string()},
                 {"CI", "1"}};
  ToolRelease release = make_tool_release("hello", "1.0.0", "zip");
  server->add("/" + release.file_name(), release.bytes);
  write_text(dir / "plan.json", make_tool_plan(release, server->url("/" + release.file_name())).dump());
  fs::path bundle = dir / "bundle";

  auto fetched = run_tailor({"fetch", "--plan", (dir / "plan.json").string(), "--into", bundle.string()}, options);
  INFO(fetched.err);
  REQUIRE(fetched.exit_code == 0);
  CHECK(fetched.out == "1 artifacts in " + bundle.string() + "\n");
  CHECK(sha256_file(bundle / "artifacts" / release.sha256) == release.sha256);
  server.reset();  // from here on there is no network at all

  SUBCASE("round trip installs from the bundle alone") {
    options.env["TAILOR_HOME"] = (dir / "home2").string();
    auto r = run_tailor({"install", "--plan", (bundle / "plan.json").string(), "--from", bundle.string(), "--offline"},
                        options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(run({(dir / "home2" / "bin" / "hello").string()}).out == "hello 1.0.0\n");
  }

  SUBCASE("a tampered artifact is caught by its checksum") {
    options.env["TAILOR_HOME"] = (dir / "home3").string();
    write_text(bundle / "artifacts" / release.sha256, "tampered");
    auto r = run_tailor({"install", "--plan", (bundle / "plan.json").string(), "--from", bundle.string(), "--offline"},
                        options);
    CHECK(r.exit_code == 9);
    CHECK(r.err.find("checksum mismatch") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "home3" / "tools" / "hello-1.0.0"));
  }

  SUBCASE("--offline with --plan but no bundle is a usage error") {
    auto r = run_tailor({"install", "--plan", (dir / "plan.json").string(), "--offline"}, options);
    CHECK(r.exit_code == 2);
  }
}
