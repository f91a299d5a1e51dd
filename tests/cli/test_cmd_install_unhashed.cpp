// Honest offline plans (issue 20): a plan whose downloads have no checksum cannot be installed
// (tailor installs only what it can check). Installing one offline from it explains how to get
// checksums instead of a bare exit 9, and --dry-run warns; the advice given then works.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

// Drops every checksum (and size) from a plan's steps, as a lock made without them has none.
void strip_checksums(ordered_json& plan) {
  for (auto& step : plan["steps"]) {
    step.erase("checksum");
    step.erase("size");
    if (step.contains("params")) step["params"].erase("checksum");
  }
}

size_t archive_requests(const HttpsServer& server) {
  size_t count = 0;
  for (const auto& line : server.request_lines())
    if (line.find("/dl/hello-1.0.0.tar.gz") != std::string::npos) ++count;
  return count;
}

}  // namespace

TEST_CASE("install --offline --pin-from a plan without checksums") {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  RunOptions options = local_install_env(server, home);
  options.env["TAILOR_GITHUB_API"] = server.base_url();
  options.unset_env = {"GITHUB_TOKEN", "GH_TOKEN", "TAILOR_OFFLINE", "TAILOR_RECIPES"};
  ToolRelease hello = make_tool_release("hello", "1.0.0");
  server.add("/dl/" + hello.file_name(), hello.bytes);
  server.add_json("/repos/test/hello/tags", R"([{"name": "v1.0.0"}])");
  fs::path registry = fresh_dir("registry");
  write_text(registry / "hello.toml",
             "[metadata]\nname = \"hello\"\ndescription = \"Says hello\"\n\n[version]\n"
             "github_repo = \"test/hello\"\n\n[[steps]]\naction = \"download_archive\"\n"
             "url = \"" +
                 server.url("/dl/hello-{version}.tar.gz") +
                 "\"\nstrip_dirs = 1\nbinaries = [\"bin/hello\"]\n\n[verify]\n"
                 "command = \"hello --version\"\npattern = \"hello {version}\"\n");
  fs::path plans = fresh_dir("plans");
  auto hashed = run_tailor({"eval", "hello", "--registry", registry.string()}, options);
  INFO(hashed.err);
  REQUIRE(hashed.exit_code == 0);
  ordered_json plan = ordered_json::parse(hashed.out);
  strip_checksums(plan);
  write_text(plans / "unhashed.json", plan.dump(2));
  const std::string url = server.url("/dl/hello-1.0.0.tar.gz");
  const size_t requests_before = archive_requests(server);

  SUBCASE("install explains how to get checksums, before downloading anything") {
    auto r = run_tailor({"install", "hello", "--registry", registry.string(), "--offline", "--pin-from",
                         (plans / "unhashed.json").string()},
                        options);
    CHECK(r.exit_code == 9);
    CHECK(r.err.find("error: 1 download of hello@1.0.0 has no checksum, and tailor installs only downloads it can "
                     "check (offline it cannot hash them either):\n  " +
                     url + "\n") == 0);
    CHECK(r.err.find("`tailor eval hello@1.0.0 > plan.json` downloads and hashes every artifact; then "
                     "`tailor install --offline --pin-from plan.json`") != std::string::npos);
    CHECK(archive_requests(server) == requests_before);
    CHECK_FALSE(fs::exists(home / "tools" / "hello-1.0.0"));
  }
  SUBCASE("--dry-run warns (and still prints the plan)") {
    auto r = run_tailor({"install", "hello", "--registry", registry.string(), "--offline", "--pin-from",
                         (plans / "unhashed.json").string(), "--dry-run"},
                        options);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning: 1 download of hello@1.0.0 has no checksum") != std::string::npos);
    CHECK(r.out.find("hello@1.0.0\n  - download_file " + url) == 0);
  }
  SUBCASE("a hashed plan needs no warning, and the advice works") {
    auto advised = run_tailor({"eval", "hello@1.0.0", "--registry", registry.string()}, options);
    REQUIRE(advised.exit_code == 0);
    write_text(plans / "plan.json", advised.out);
    auto dry = run_tailor({"install", "hello", "--registry", registry.string(), "--offline", "--pin-from",
                           (plans / "plan.json").string(), "--dry-run"},
                          options);
    CHECK(dry.exit_code == 0);
    CHECK(dry.err.find("no checksum") == std::string::npos);
    auto r = run_tailor({"install", "hello", "--registry", registry.string(), "--offline", "--pin-from",
                         (plans / "plan.json").string()},
                        options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(run({(home / "bin" / "hello").string()}).out == "hello 1.0.0\n");
  }
}
