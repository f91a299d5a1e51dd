// Requests are checked first: hostile tool names, versions and plan files are refused
// before any resolution, planning, download or lock, by every command that takes them.
#include <doctest/doctest.h>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

// Two recipes whose download URL carries the version: one without a version source (the
// request goes straight into the URL) and one whose provider is the local server.
struct RequestEnv {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path registry = fresh_dir("registry");
  RunOptions options;

  RequestEnv() {
    options = local_install_env(server, home);
    options.env["TAILOR_GITHUB_API"] = server.base_url();
    options.env["TAILOR_RECIPES"] = registry.string();
    options.unset_env = {"TAILOR_BACKEND", "GITHUB_TOKEN"};
    for (const std::string name : {"tool", "gh"}) {
      std::string version = name == "gh" ? "[version]\ngithub_repo = \"example-org/gh\"\n\n" : "";
      write_text(registry / (name + ".toml"),
                 "[metadata]\nname = \"" + name + "\"\ndescription = \"A tool\"\nhomepage = \"https://" + name +
                     ".example.org/\"\n\n" + version + "[[steps]]\naction = \"download_archive\"\nurl = \"" +
                     server.url("/dl/{version}/" + name + ".tar.gz") + "\"\nstrip_dirs = 1\nbinaries = [\"bin/" + name +
                     "\"]\n\n[verify]\ncommand = \"" + name + " --version\"\n");
    }
    ToolRelease release = make_tool_release("tool", "1.0.0");
    server.add("/dl/1.0.0/tool.tar.gz", release.bytes);
  }
  RunResult tailor(const std::vector<std::string>& args) const { return run_tailor(args, options); }
};

void check_refused(const RequestEnv& env, const RunResult& r, const std::string& what) {
  INFO(what, " -> ", r.out, r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("at position") != std::string::npos);
  CHECK(r.out.empty());
  CHECK(env.server.request_lines().empty());
}

}  // namespace

TEST_CASE("hostile version requests are refused before planning") {
  RequestEnv env;
  const std::vector<std::string> hostile = {"../etc/passwd", "1;rm -rf", "$(cmd)", "1.0\nx"};

  SUBCASE("plan, eval and install, with and without a version provider") {
    for (const std::string& version : hostile) {
      for (const std::string tool : {"tool", "gh"}) {
        for (const std::string command : {"plan", "eval", "install"}) {
          check_refused(env, env.tailor({command, tool + "@" + version}), command + " " + tool + "@" + version);
        }
      }
    }
    auto r = env.tailor({"plan", "tool@../etc/passwd"});
    CHECK(r.err ==
          "error: invalid version '../etc/passwd': '..' at position 1 is not allowed (letters, digits, "
          "'.', '-', '_', '+'; '@' only to start a channel)\n");
    auto semicolon = env.tailor({"eval", "tool@1;rm -rf"});
    CHECK(semicolon.err.find("character ';' at position 2") != std::string::npos);
    auto newline = env.tailor({"eval", "tool@1.0\nx"});
    CHECK(newline.err.find("character '\\n' at position 4") != std::string::npos);
  }
  SUBCASE("--version, --recipe FILE --version, and a later tool of install") {
    check_refused(env, env.tailor({"eval", "--recipe", (env.registry / "tool.toml").string(), "--version", "$(cmd)"}),
                  "--recipe --version");
    check_refused(env, env.tailor({"install", "tool@1.0.0", "tool@../x"}), "install good bad");
    CHECK_FALSE(fs::exists(env.home / "tools"));
  }
  SUBCASE("tool names in every command that takes one") {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"plan", "../tool"},
                                               {"eval", "Tool"},
                                               {"install", "to/o l@1.0.0"},
                                               {"info", "a/b c"},
                                               {"versions", "$(x)"},
                                               {"remove", "tool@../x"},
                                               {"golden", "check", "../tool"},
                                               {"golden", "regenerate", "tool", "--version", "../x"}}) {
      check_refused(env, env.tailor(args), args[0] + " " + args[1]);
    }
  }
  SUBCASE("a request with good characters still plans") {
    auto r = env.tailor({"eval", "tool@1.0.0"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"version\": \"1.0.0\"") != std::string::npos);
  }
}

TEST_CASE("backend names are checked for every recipe") {
  RequestEnv env;
  SUBCASE("a misspelt backend is refused for a recipe without backends, with a suggestion") {
    auto r = env.tailor({"eval", "tool@1.0.0", "--backend", "cudaa"});
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "error: unknown backend 'cudaa' (did you mean 'cuda'?); --backend takes one of auto, cuda, rocm, sycl, "
          "vulkan, metal, cpu\n");
    CHECK(env.server.request_lines().empty());
  }
  SUBCASE("a valid backend for a recipe without backends plans with a warning") {
    auto r = env.tailor({"eval", "tool@1.0.0", "--backend", "cuda"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning: tool has no builds per backend: --backend cuda does not change its plan") !=
          std::string::npos);
  }
}

TEST_CASE("hostile plan files are refused before anything is done") {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path dir = fresh_dir("plans");
  RunOptions options = local_install_env(server, home);
  ToolRelease hello = make_tool_release("hello", "1.0.0");
  server.add("/" + hello.file_name(), hello.bytes);
  const ordered_json good = make_tool_plan(hello, server.url("/" + hello.file_name()));
  ordered_json with_dependency = good;
  with_dependency["dependencies"] = ordered_json::array({good});
  with_dependency["dependencies"][0]["tool"] = "dep";

  struct Case {
    std::string name;
    ordered_json plan;
    std::string where;
  };
  std::vector<Case> cases;
  auto add = [&](std::string name, const std::string& pointer, const ordered_json& value, std::string where) {
    ordered_json plan = with_dependency;
    plan[ordered_json::json_pointer(pointer)] = value;
    cases.push_back({std::move(name), std::move(plan), std::move(where)});
  };
  add("version ..", "/version", "../../etc", "$.version");
  add("version /", "/version", "1.0/x", "$.version");
  add("version newline", "/version", "1.0\n", "$.version");
  add("tool /", "/tool", "a/b", "$.tool");
  add("dest ..", "/steps/0/params/dest", "../../outside.tar.gz", "$.steps[0].params.dest");
  add("archive absolute", "/steps/1/params/archive", "/etc/passwd", "$.steps[1].params.archive");
  add("binaries ..", "/steps/2/params/binaries/0", "bin/../../x", "$.steps[2].params.binaries[0]");
  add("plan binaries", "/binaries", ordered_json::array({"../bin/x"}), "$.binaries[0]");
  add("dependency version", "/dependencies/0/version", "..", "$.dependencies[0].version");
  add("dependency dest", "/dependencies/0/steps/0/params/dest", "/tmp/x", "$.dependencies[0].steps[0].params.dest");

  for (const auto& c : cases) {
    write_text(dir / "plan.json", c.plan.dump(2));
    for (const std::string command : {"install", "fetch"}) {
      std::vector<std::string> args = {command, "--plan", (dir / "plan.json").string()};
      if (command == "fetch") args.insert(args.end(), {"--into", (dir / "bundle").string()});
      auto r = run_tailor(args, options);
      INFO(command, " ", c.name, ": ", r.err);
      CHECK(r.exit_code == 10);
      CHECK(r.err.find(c.where + ":") != std::string::npos);
      CHECK(server.request_lines().empty());
      CHECK(fs::is_empty(home));  // no lock file, no state, no layout
      CHECK_FALSE(fs::exists(dir / "bundle"));
    }
  }
  // The same plan without the hostile field installs.
  write_text(dir / "plan.json", with_dependency.dump(2));
  auto r = run_tailor({"install", "--plan", (dir / "plan.json").string()}, options);
  CHECK_MESSAGE(r.exit_code == 0, r.err);
}
