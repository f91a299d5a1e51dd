// `tailor which`: the installed tool behind a command, else the recipes that would provide it,
// without the network.
#include <doctest/doctest.h>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

TEST_CASE("which") {
  HttpsServer server;
  fs::path home = fresh_dir("which-home");
  fs::path dir = fresh_dir("which");
  RunOptions options = local_install_env(server, home);
  // A registry that cannot be reached: which must never ask it.
  options.env["TAILOR_REGISTRY_URL"] = "https://127.0.0.1:9/registry";
  options.env["TAILOR_MANIFEST_URL"] = "https://127.0.0.1:9/recipes.json";

  SUBCASE("an installed command names its tool and version, the other version too") {
    for (std::string version : {"1.0.0", "1.1.0"}) {
      ToolRelease release = make_tool_release("hello", version);
      server.add("/" + release.file_name(), release.bytes);
      write_text(dir / "plan.json", make_tool_plan(release, server.url("/" + release.file_name())).dump());
      REQUIRE(run_tailor({"install", "--plan", (dir / "plan.json").string()}, options).exit_code == 0);
    }
    auto r = run_tailor({"which", "hello"}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello: hello 1.1.0 (" + (home / "bin" / "hello").string() + " -> " +
                       (home / "tools" / "hello-1.1.0" / "bin" / "hello").string() +
                       ")\n  also in hello 1.0.0 (not active)\n");
    auto json = ordered_json::parse(run_tailor({"which", "hello", "--json"}, options).out);
    CHECK(json["installed"][0]["version"] == "1.1.0");
    CHECK(json["installed"][0]["active"] == true);
    CHECK(json["installed"][1]["active"] == false);
    CHECK(json["recipes"].empty());
  }

  SUBCASE("a command nothing installed provides: the recipes that would, exit 1") {
    fs::path recipes = fresh_dir("which-recipes");
    write_text(recipes / "mytool.toml",
               "[metadata]\nname = \"mytool\"\ndescription = \"d\"\n\n[[steps]]\n"
               "action = \"download_archive\"\nurl = \"https://example.org/x.tar.gz\"\n"
               "binaries = [\"bin/rg\"]\n\n[verify]\ncommand = \"rg --version\"\n");
    options.env["TAILOR_RECIPES"] = recipes.string();
    auto r = run_tailor({"which", "rg"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.starts_with("rg: not installed\n  recipes that would install it:\n"));
    CHECK(r.out.find("    mytool  (dir " + (recipes / "mytool.toml").string() +
                     "; binary rg)  tailor install mytool\n") != std::string::npos);
    CHECK(r.out.find("    ripgrep  (embedded; binary rg)  tailor install ripgrep\n") != std::string::npos);
    auto json = ordered_json::parse(run_tailor({"which", "rg", "--json"}, options).out);
    CHECK(json["installed"].empty());
    CHECK(json["link_target"].is_null());
    CHECK(json["recipes"][0]["recipe"] == "mytool");
  }

  SUBCASE("cached registry recipes and the cached manifest count, offline") {
    write_text(home / "registry" / "manifest.json",
               R"({"schema_version": 1, "generated_at": "2026-01-01T00:00:00Z", "recipes": [)"
               R"({"name": "zzcmd", "description": "a tool", "homepage": "https://x.example.org/", )"
               R"("dependencies": [], "runtime_dependencies": []}]})");
    auto r = run_tailor({"which", "zzcmd"}, options);
    INFO(r.out, r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("    zzcmd  (registry manifest; by name)  tailor install zzcmd\n") != std::string::npos);
  }

  SUBCASE("nothing at all") {
    auto r = run_tailor({"which", "no-such-command"}, options);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("no known recipe installs it") != std::string::npos);
    CHECK(run_tailor({"which", "a/b"}, options).exit_code == 2);
  }
}
