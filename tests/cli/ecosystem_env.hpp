#pragma once
// The environment of the ecosystem install tests (test_cmd_install_ecosystem.cpp, the executors;
// test_cmd_install_ecosystem_capture.cpp, the locks captured at plan time): a scratch home whose
// installs come from a loopback HTTPS server, a HOME that must stay empty, decoy toolchains first
// on PATH, and the skips where the system toolchain is missing.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/ecosystem_packages.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace tailor::test {

// doctest skips quietly: say why on stderr too (the ctest entries skip with exit 77 first).
inline bool missing(const char* what, std::initializer_list<const char*> programs) {
  if (system_toolchain_has(programs)) return false;
  std::fprintf(stderr, "skipped: the %s tests need %s in /usr/bin (scripts/install-deps.sh installs it)\n", what,
               *programs.begin());
  return true;
}

inline const bool k_no_npm = missing("npm_exec", {"node", "npm"});
inline const bool k_no_python = missing("pip_exec", {"python3"});
inline const bool k_no_go = missing("go_build", {"go"});
inline const bool k_no_cargo = missing("cargo_build", {"cargo", "rustc"});
inline const bool k_no_ruby = missing("gem_exec", {"ruby", "gem"});
// cargo reads a crates index served over plain HTTPS with the git command.
inline const bool k_no_git = missing("cargo_install", {"git"});

// A home whose installs come from `server`, with a HOME of its own that must stay empty and a
// PATH whose first directory has a node, npm and python3 that fail: the toolchain is never
// found through PATH.
struct Env {
  HttpsServer server;
  std::filesystem::path home = fresh_dir("eco-home");
  std::filesystem::path user_home = fresh_dir("eco-user-home");
  std::filesystem::path registry = fresh_dir("eco-recipes");
  RunOptions options = local_install_env(server, home);

  explicit Env(const std::string& tool) {
    std::filesystem::path decoys = fresh_dir("eco-decoys");
    for (const char* program : {"node", "npm", "python3", "go", "cargo", "rustc", "ruby", "gem"}) {
      write_text(decoys / program, "#!/bin/sh\necho \"decoy $0 was run\" >&2\nexit 99\n");
      std::filesystem::permissions(decoys / program, std::filesystem::perms::owner_all);
    }
    options.env["HOME"] = user_home.string();
    options.env["PATH"] = decoys.string() + ":/usr/bin:/bin";
    options.env["TAILOR_GITHUB_API"] = server.base_url();
    options.unset_env = {"GITHUB_TOKEN",  "GH_TOKEN", "TAILOR_OFFLINE", "TAILOR_RECIPES",     "npm_config_registry",
                         "PIP_INDEX_URL", "GOPROXY",  "GOFLAGS",        "TAILOR_CRATES_INDEX"};
    options.timeout_seconds = 240;
    serve_tool_tags(server, tool);
  }

  RunResult tailor(std::vector<std::string> args) {
    args.push_back("--registry");
    args.push_back(registry.string());
    return run_tailor(args, options);
  }

  // The installed tool run from bin/ with the test's PATH and nothing else of its environment.
  RunResult run_installed(const std::string& tool, std::vector<std::string> unset = {}) {
    RunOptions plain;
    plain.env["PATH"] = options.env["PATH"];
    plain.unset_env = std::move(unset);
    return run({(home / "bin" / tool).string()}, plain);
  }

  // The plan `tailor eval` printed is a lock: after `remove`, `install --plan` installs the tool
  // again from it without the capture (whose progress line names `capture`) running.
  RunResult reinstall_from_plan(const std::string& plan_json, const std::string& tool, const std::string& capture) {
    const std::filesystem::path plan_file = fresh_dir("eco-plan") / "plan.json";
    write_text(plan_file, plan_json);
    REQUIRE(run_tailor({"remove", tool}, options).exit_code == 0);
    server.clear_requests();
    auto again = this->tailor({"install", "--plan", plan_file.string()});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(again.err.find(capture) == std::string::npos);
    CHECK(std::filesystem::is_empty(user_home));
    return again;
  }

  // Nothing of the tool is left in the home, and nothing was written to HOME.
  void check_nothing_left(const std::string& tool) const {
    for (const char* dir : {"tools", "bin", "tmp"}) {
      if (!std::filesystem::exists(home / dir)) continue;
      for (const auto& entry : std::filesystem::directory_iterator(home / dir)) {
        INFO(entry.path().string());
        CHECK(entry.path().filename().string().find(tool) == std::string::npos);
        CHECK(std::string(dir) != "tmp");
      }
    }
    CHECK(std::filesystem::is_empty(user_home));
  }
};

inline bool fetched(const HttpsServer& server, const std::string& path) {
  for (const auto& line : server.request_lines())
    if (line == "GET " + path) return true;
  return false;
}

// The log file an error names ("...; the log is PATH").
inline std::string log_named_in(const std::string& err) {
  auto at = err.find("the log is ");
  if (at == std::string::npos) return {};
  at += 11;
  return err.substr(at, err.find('\n', at) - at);
}

// The one step of the plan `tailor eval` printed: an ecosystem primitive with its captured lock.
inline nlohmann::ordered_json only_step(const RunResult& eval) {
  INFO(eval.err);
  REQUIRE(eval.exit_code == 0);
  nlohmann::ordered_json plan = nlohmann::ordered_json::parse(eval.out);
  REQUIRE(plan["steps"].size() == 1);
  return plan["steps"][0];
}

}  // namespace tailor::test
