// `tailor shellenv` evaluated by real shells after a real install: the tool runs by name, PATH
// holds tailor's bin/ once however often the lines are evaluated, set_env values arrive.
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

size_t count_of(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A post-install plan step of `action`.
ordered_json post_install_step(const std::string& action, ordered_json params) {
  return {{"action", action},
          {"phase", "post-install"},
          {"params", std::move(params)},
          {"evaluable", true},
          {"deterministic", true}};
}

// A home beside a loopback server, and installs of a release by its plan with steps appended.
struct PlanHome {
  HttpsServer server;
  fs::path home;
  fs::path dir;
  RunOptions options;

  explicit PlanHome(const std::string& name)
      : home(fresh_dir(name + "-home")), dir(fresh_dir(name)), options(local_install_env(server, home)) {}

  // `binaries`: what install_binaries installs, when more than bin/<name>.
  RunResult install(const ToolRelease& release, const std::vector<ordered_json>& steps,
                    const std::vector<std::string>& binaries = {}) {
    server.add("/" + release.file_name(), release.bytes);
    ordered_json plan = make_tool_plan(release, server.url("/" + release.file_name()));
    if (!binaries.empty()) plan["steps"][2]["params"]["binaries"] = binaries;
    for (const auto& step : steps) plan["steps"].push_back(step);
    const fs::path file = dir / (release.version + ".json");
    write_text(file, plan.dump());
    return run_tailor({"install", "--plan", file.string()}, options);
  }
};

}  // namespace

TEST_CASE("shellenv puts an installed tool on PATH, idempotently") {
  PlanHome env("shellenv");
  const fs::path& home = env.home;
  RunOptions& options = env.options;
  auto installed =
      env.install(make_tool_release("hello", "1.0.0"),
                  {post_install_step("set_env", {{"vars", {{{"name", "HELLO_HOME"}, {"value", "{install_dir}"}}}}})});
  INFO(installed.err);
  REQUIRE(installed.exit_code == 0);

  options.env["PATH"] = "/usr/bin:/bin";
  options.env["TAILOR"] = tailor_binary();
  fs::path bin = home / "bin";

  SUBCASE("bash, twice, --shell and $SHELL alike") {
    options.env["SHELL"] = "/bin/bash";
    auto r = run({"/bin/bash", "-c",
                  "eval \"$(\"$TAILOR\" shellenv --shell bash)\" && eval \"$(\"$TAILOR\" shellenv)\" && "
                  "echo \"PATH=$PATH\" && echo \"HELLO_HOME=$HELLO_HOME\" && hello --version"},
                 options);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("PATH=" + bin.string() + ":/usr/bin:/bin\n") != std::string::npos);
    CHECK(count_of(r.out, bin.string()) == 1);
    CHECK(r.out.find("HELLO_HOME=" + (home / "tools" / "hello-1.0.0").string() + "\n") != std::string::npos);
    CHECK(r.out.find("hello 1.0.0") != std::string::npos);
  }

  SUBCASE("posix sh with an empty PATH gets no stray ':'") {
    auto r = run({"/bin/sh", "-c",
                  "PATH= ; eval \"$(\"$TAILOR\" shellenv --shell posix)\"; eval \"$(\"$TAILOR\" shellenv --shell "
                  "posix)\"; echo \"PATH=$PATH\""},
                 options);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "PATH=" + bin.string() + "\n");
  }

  SUBCASE("fish lines") {
    auto r = run_tailor({"shellenv", "--shell", "fish"}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("if not contains -- '" + bin.string() + "' $PATH\n"));
    CHECK(r.out.find("set -gx HELLO_HOME '" + (home / "tools" / "hello-1.0.0").string() + "'\n") != std::string::npos);
  }

  SUBCASE("a damaged state.json still gives PATH, with a warning") {
    write_text(home / "state.json", "{not json");
    auto r = run({"/bin/bash", "-c", "eval \"$(\"$TAILOR\" shellenv --shell bash)\" && hello --version"}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello 1.0.0\n");
    CHECK(r.err.starts_with("warning: the set_env values of installed tools are left out: "));
  }

  SUBCASE("an unknown shell is a usage error") {
    auto r = run_tailor({"shellenv", "--shell", "zhs"}, options);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "error: unknown shell 'zhs' (did you mean 'zsh'?); --shell takes one of bash, zsh, fish, posix\n");
  }
}

TEST_CASE("install_shell_init and install_program_files: fragments sourced once, program files placed and removed") {
  PlanHome env("shell-init");
  const fs::path& home = env.home;
  RunOptions& options = env.options;
  // The init command prints what the shell should run; its stderr is no part of it.
  ToolRelease release = make_tool_release(
      "hello", "1.0.0", "tar.gz",
      {file_entry("hello-1.0.0/bin/hello-init",
                  "#!/bin/sh\necho warming up >&2\nprintf 'HELLO_INIT=$((${HELLO_INIT:-0}+1))\\nhello_shell=%s\\n' "
                  "\"$1\"\n",
                  0755)});
  auto installed = env.install(
      release,
      {post_install_step("install_shell_init",
                         {{"source_command", "hello-init {shell}"}, {"target", "hello"}, {"shells", {"bash", "fish"}}}),
       post_install_step("install_program_files", {{"files", {"bin/hello-init"}}})},
      {"bin/hello", "bin/hello-init"});
  INFO(installed.err);
  REQUIRE(installed.exit_code == 0);
  CHECK(installed.err.find("warming up") != std::string::npos);

  fs::path version_dir = home / "tools" / "hello-1.0.0";
  CHECK(read_text(version_dir / ".tailor" / "shell" / "hello.bash") ==
        "HELLO_INIT=$((${HELLO_INIT:-0}+1))\nhello_shell=bash\n");
  CHECK(fs::exists(version_dir / ".tailor" / "shell" / "hello.fish"));
  CHECK_FALSE(fs::exists(version_dir / ".tailor" / "shell" / "hello.zsh"));
  CHECK(read_text(home / "data" / "hello" / "hello-init") == read_text(version_dir / "bin" / "hello-init"));

  options.env["PATH"] = "/usr/bin:/bin";
  options.env["TAILOR"] = tailor_binary();
  auto bash = run({"/bin/bash", "-c",
                   "eval \"$(\"$TAILOR\" shellenv --shell bash)\" && eval \"$(\"$TAILOR\" shellenv --shell bash)\" && "
                   "echo \"init=$HELLO_INIT shell=$hello_shell\""},
                  options);
  INFO(bash.err);
  CHECK(bash.exit_code == 0);
  CHECK(bash.out == "init=1 shell=bash\n");
  auto fish = run_tailor({"shellenv", "--shell", "fish"}, options);
  CHECK(fish.out.find("    source '" + (version_dir / ".tailor" / "shell" / "hello.fish").string() + "'\n") !=
        std::string::npos);
  auto posix = run_tailor({"shellenv", "--shell", "posix"}, options);
  CHECK(posix.out.find(".tailor/shell") == std::string::npos);

  // A user's file beside the placed one stays; the placed one goes with the tool.
  write_text(home / "data" / "hello" / "versions.txt", "user data\n");
  auto removed = run_tailor({"remove", "hello"}, options);
  INFO(removed.err);
  REQUIRE(removed.exit_code == 0);
  CHECK_FALSE(fs::exists(home / "data" / "hello" / "hello-init"));
  CHECK(read_text(home / "data" / "hello" / "versions.txt") == "user data\n");
  auto after = run_tailor({"shellenv", "--shell", "bash"}, options);
  CHECK(after.out.find("hello.bash") == std::string::npos);
}

TEST_CASE("an install_shell_init step that cannot run rolls the install back") {
  PlanHome env("shell-init-bad");
  const fs::path& home = env.home;
  auto r =
      env.install(make_tool_release("hello", "1.0.0"),
                  {post_install_step("install_shell_init", {{"source_command", "/bin/echo hi"}, {"target", "hello"}})});
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("install_shell_init: '/bin/echo' is outside " + (home / "tools" / "hello-1.0.0").string() +
                   "; the install was rolled back") != std::string::npos);
  CHECK_FALSE(fs::exists(home / "tools" / "hello-1.0.0"));
  CHECK_FALSE(fs::exists(home / "bin" / "hello"));
}

TEST_CASE("rollback and activate bring the active version's program files") {
  PlanHome env("program-files");
  const fs::path& home = env.home;
  RunOptions& options = env.options;
  auto install = [&](const std::string& version) {
    return env.install(make_tool_release("hello", version),
                       {post_install_step("install_program_files", {{"files", {"bin/hello"}}})});
  };
  REQUIRE(install("1.0.0").exit_code == 0);
  REQUIRE(install("1.1.0").exit_code == 0);
  const fs::path placed = home / "data" / "hello" / "hello";
  CHECK(run({placed.string()}).out == "hello 1.1.0\n");
  REQUIRE(run_tailor({"rollback", "hello"}, options).exit_code == 0);
  CHECK(run({placed.string()}).out == "hello 1.0.0\n");
  REQUIRE(run_tailor({"activate", "hello", "1.1.0"}, options).exit_code == 0);
  CHECK(run({placed.string()}).out == "hello 1.1.0\n");
  // Removing one version keeps the tool's files; removing the tool takes them.
  REQUIRE(run_tailor({"remove", "hello@1.0.0"}, options).exit_code == 0);
  CHECK(fs::exists(placed));
  REQUIRE(run_tailor({"remove", "hello"}, options).exit_code == 0);
  CHECK_FALSE(fs::exists(placed));
  CHECK_FALSE(fs::exists(home / "data" / "hello"));
}
