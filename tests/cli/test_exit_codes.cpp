// docs/exit-codes.md is the contract: a table of (command, situation) -> exit code, walked
// through the real binary. Network situations use a loopback server or a closed loopback port
// as the API (TAILOR_GITHUB_API): no real network.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

namespace {

// Recipes: `plain` has no version source (TOOL@VERSION is taken as said); `gh` and `hub` ask
// the GitHub API for their versions. Releases are served by the local server.
struct CodesEnv {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path registry = fresh_dir("registry");
  std::string dead_api = dead_base_url();
  RunOptions options;

  CodesEnv() {
    options = local_install_env(server, home);
    options.env["TAILOR_GITHUB_API"] = server.base_url();
    options.env["TAILOR_RECIPES"] = registry.string();
    options.env["TAILOR_RETRIES"] = "0";
    options.unset_env = {"TAILOR_BACKEND", "GITHUB_TOKEN", "GH_TOKEN"};
    for (const std::string name : {"plain", "gh", "hub"}) {
      std::string version = name == "plain" ? "" : "[version]\ngithub_repo = \"example-org/" + name + "\"\n\n";
      write_text(registry / (name + ".toml"),
                 "[metadata]\nname = \"" + name + "\"\ndescription = \"A tool\"\nhomepage = \"https://" + name +
                     ".example.org/\"\n\n" + version + "[[steps]]\naction = \"download_archive\"\nurl = \"" +
                     server.url("/dl/{version}/" + name + ".tar.gz") + "\"\nstrip_dirs = 1\nbinaries = [\"bin/" + name +
                     "\"]\n\n[verify]\ncommand = \"" + name + " --version\"\n");
      server.add("/dl/1.0.0/" + name + ".tar.gz", make_tool_release(name, "1.0.0").bytes);
    }
    server.add_json("/repos/example-org/gh/releases/latest", R"({"tag_name": "v1.0.0"})");
    server.add_json("/repos/example-org/gh/tags", R"([{"name": "v1.0.0"}])");
  }
  RunResult tailor(const std::vector<std::string>& args, bool dead = false) const {
    RunOptions run = options;
    if (dead) run.env["TAILOR_GITHUB_API"] = dead_api;
    return run_tailor(args, run);
  }
};

struct Row {
  std::vector<std::string> args;
  bool dead_api;         // the version API is a closed port on 127.0.0.1
  int code;              // docs/exit-codes.md
  std::string err_part;  // a piece of stderr that names the cause
};

}  // namespace

TEST_CASE("one exit-code table, followed by every command") {
  CodesEnv env;
  const std::vector<Row> rows{
      // 2 usage: every refused command line reads `error: <message>`.
      {{}, false, 2, "error: a command is required; `tailor --help` lists them\n"},
      {{"instal", "plain"}, false, 2, "error: unknown command 'instal' (did you mean 'install'?)"},
      {{"install", "plain@1.0.0", "--dryrun"},
       false,
       2,
       "error: unknown flag '--dryrun' for 'tailor install' (did you mean '--dry-run'?); `tailor install --help` "
       "lists the flags\n"},
      {{"versions"}, false, 2, "error: tool is required; `tailor versions --help` shows the usage\n"},
      {{"install", "plain@1.0.0", "--gpu", "nvdia"},
       false,
       2,
       "error: unknown GPU vendor 'nvdia' (did you mean 'nvidia'?); --gpu takes one of nvidia, amd, intel, apple, "
       "none\n"},
      {{"plan", "plain@1.0.0", "--backend", "cuad"}, false, 2, "error: unknown backend 'cuad' (did you mean 'cuda'?)"},
      {{"config", "set", "llm.backend", "cuad"},
       false,
       2,
       "error: invalid value 'cuad' for llm.backend (did you mean 'cuda'?)"},
      // 3 no such recipe, whichever command asks.
      {{"install", "nosuch"}, false, 3, "nosuch"},
      {{"plan", "nosuch"}, false, 3, "nosuch"},
      {{"versions", "nosuch"}, false, 3, "nosuch"},
      // 4 the provider answered: no such version.
      {{"install", "gh@9.9.9"}, false, 4, "version 9.9.9 not found"},
      // 5 the provider or a download could not be reached: the same code from every command.
      {{"install", "gh"}, true, 5, "cannot resolve the latest version of gh with GitHub releases of example-org/gh"},
      {{"plan", "gh"}, true, 5, "cannot resolve the latest version of gh"},
      {{"eval", "gh"}, true, 5, "cannot resolve the latest version of gh"},
      {{"versions", "gh"}, true, 5, "127.0.0.1"},
      {{"install", "plain@2.0.0"}, false, 5, "404"},
      {{"install", "gh@1.0.0", "--offline"},
       false,
       5,
       "offline, and a version named on the command line is looked up with its provider; pin it with --pin-from "
       "PLAN.json (made online by `tailor eval gh@1.0.0 > PLAN.json`)"},
      // 1 not installed: the same code from remove and verify.
      {{"remove", "nosuch"}, false, 1, "nosuch is not installed"},
      {{"verify", "nosuch"}, false, 1, "nosuch is not installed"},
      // Several tools that all fail for the same kind of reason: that reason's code.
      {{"install", "gh", "hub"}, true, 5, "2 of 2 tools failed to install: gh (network), hub (network)"},
      // ... for different reasons: partial.
      {{"install", "gh", "nosuch"},
       true,
       15,
       "2 of 2 tools failed to install: gh (network), nosuch (recipe_not_found)"},
  };
  for (const auto& row : rows) {
    std::string line;
    for (const auto& arg : row.args) line += " " + arg;
    auto r = env.tailor(row.args, row.dead_api);
    INFO("tailor", line, "\nstdout: ", r.out, "\nstderr: ", r.err);
    CHECK(r.exit_code == row.code);
    CHECK(r.err.find(row.err_part) != std::string::npos);
    CHECK(r.err.find("error: ") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(env.home / "state.json"));  // nothing above installed anything
}

TEST_CASE("install a b c goes on past a failing tool and ends with the partial code") {
  CodesEnv env;
  SUBCASE("one tool fails: the others install, one summary line per tool, exit 15") {
    auto r = env.tailor({"install", "gh", "plain@1.0.0"}, true);
    INFO(r.out, r.err);
    CHECK(r.exit_code == 15);
    CHECK(r.out == "plain@1.0.0\n");
    CHECK(r.err.find("error: gh: cannot resolve the latest version of gh") != std::string::npos);
    CHECK(r.err.find("summary:\n  gh: failed (network, exit 5)\n  plain@1.0.0: installed\n"
                     "error: 1 of 2 tools failed to install: gh (network)\n") != std::string::npos);
    CHECK(run({(env.home / "bin" / "plain").string(), "--version"}).exit_code == 0);
    auto state = nlohmann::json::parse(read_text(env.home / "state.json"));
    CHECK(state["installed"].contains("plain"));
    CHECK_FALSE(state["installed"].contains("gh"));
  }
  SUBCASE("a tool already installed counts as done") {
    REQUIRE(env.tailor({"install", "plain@1.0.0"}).exit_code == 0);
    auto r = env.tailor({"install", "plain@1.0.0", "nosuch"});
    CHECK(r.exit_code == 15);
    CHECK(r.err.find("summary:\n  plain@1.0.0: already installed\n  nosuch: failed (recipe_not_found, exit 3)\n") !=
          std::string::npos);
  }
  SUBCASE("--json: the kinds by name, per tool and overall, and the numeric code") {
    auto r = env.tailor({"install", "gh", "plain@1.0.0", "--json"}, true);
    INFO(r.out, r.err);
    CHECK(r.exit_code == 15);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["status"] == "partial");
    CHECK(doc["category"] == "partial");
    CHECK(doc["exit_code"] == 15);
    CHECK(doc["installed"] == nlohmann::json::array({"plain@1.0.0"}));
    REQUIRE(doc["tools"].size() == 2);
    CHECK(doc["tools"][0]["tool"] == "gh");
    CHECK(doc["tools"][0]["category"] == "network");
    CHECK(doc["tools"][0]["exit_code"] == 5);
    CHECK(doc["tools"][1]["status"] == "installed");
  }
}

TEST_CASE("--json errors name the kind") {
  CodesEnv env;
  auto r = env.tailor({"install", "gh", "--json"}, true);
  CHECK(r.exit_code == 5);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["status"] == "error");
  CHECK(doc["category"] == "network");
  CHECK(doc["exit_code"] == 5);
  CHECK(doc["message"].get<std::string>().find("cannot resolve the latest version of gh") != std::string::npos);
}

TEST_CASE("config values are case-insensitive") {
  CodesEnv env;
  auto set = env.tailor({"config", "set", "llm.backend", "CUDA"});
  INFO(set.out, set.err);
  CHECK(set.exit_code == 0);
  auto got = env.tailor({"config", "get", "llm.backend"});
  CHECK(got.out == "cuda\n");
}
