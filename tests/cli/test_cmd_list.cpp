// `tailor list` output forms, over a state written by real installs of two versions.
#include <doctest/doctest.h>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

TEST_CASE("list") {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path dir = fresh_dir("list");
  RunOptions options = local_install_env(server, home);

  SUBCASE("empty home") {
    auto r = run_tailor({"list"}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
  }

  SUBCASE("two versions, the newest active") {
    for (std::string version : {"1.0.0", "1.1.0"}) {
      ToolRelease release = make_tool_release("hello", version);
      server.add("/" + release.file_name(), release.bytes);
      write_text(dir / "plan.json", make_tool_plan(release, server.url("/" + release.file_name())).dump());
      REQUIRE(run_tailor({"install", "--plan", (dir / "plan.json").string()}, options).exit_code == 0);
    }
    CHECK(run_tailor({"list"}, options).out == "hello 1.1.0 (active) (+1 other version)\n");
    CHECK(run_tailor({"list", "--all-versions"}, options).out == "hello 1.0.0 (previous)\nhello 1.1.0 (active)\n");
    ordered_json json = ordered_json::parse(run_tailor({"list", "--json"}, options).out);
    REQUIRE(json["tools"].size() == 2);
    CHECK(json["tools"][1]["active"] == true);
    CHECK(json["tools"][1]["binaries"] == ordered_json::array({"bin/hello"}));

    SUBCASE("removing the active version makes the other one active") {
      REQUIRE(run_tailor({"remove", "hello@1.1.0"}, options).exit_code == 0);
      CHECK(run_tailor({"list"}, options).out == "hello 1.0.0 (active)\n");
      CHECK(run({(home / "bin" / "hello").string()}).out == "hello 1.0.0\n");
    }
  }
}
