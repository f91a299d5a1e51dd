// The verify command: a command without shell syntax runs directly, every other one through
// `sh -c`, and both give the same answers (docs/install.md, "The install flow", step 6).
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "install/verify.hpp"
#include "support/scratch.hpp"

using namespace tailor;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  fs::path dir = test::fresh_dir("verify");
  fs::path bin = dir / "bin";

  void program(const std::string& name, const std::string& body) const {
    test::write_text(bin / name, body);
    ::chmod((bin / name).c_str(), 0755);
  }

  install::VerifyInput input(const std::string& command, const std::string& pattern, int exit_code = 0) const {
    install::VerifyInput in;
    in.verify.command = command;
    in.verify.pattern = pattern;
    if (exit_code != 0) in.verify.exit_code = exit_code;
    in.tool = "hello";
    in.version = "1.2.3";
    in.install_dir = dir;
    in.path_dirs = {bin.string()};
    in.timeout = std::chrono::milliseconds(20'000);
    return in;
  }
};

}  // namespace

TEST_CASE("verify runs plain commands and shell commands alike") {
  Fixture f;
  f.program("hello", "#!/bin/sh\necho \"hello $1 locale=$LC_ALL\"\n");

  SUBCASE("a plain command, with {version} substituted, sees LC_ALL=C and its bin/ on PATH") {
    CHECK(install::run_verify(f.input("hello {version}", "hello 1.2.3 locale=C")));
  }
  SUBCASE("a command with shell syntax goes through the shell") {
    CHECK(install::run_verify(f.input("hello x && echo second", "second")));
    CHECK(install::run_verify(f.input("echo {version}", "1.2.3")));  // a builtin
  }
  SUBCASE("a pattern that is missing fails and shows the output") {
    auto st = install::run_verify(f.input("hello {version}", "goodbye"));
    REQUIRE_FALSE(st);
    CHECK(st.error().message.find("does not contain 'goodbye'; output:\nhello 1.2.3") != std::string::npos);
  }
}

TEST_CASE("verify: a plain command reports what the shell would") {
  Fixture f;
  SUBCASE("a script without a #! line is run by the shell") {
    f.program("nohashbang", "echo plain script {version}\n");
    CHECK(install::run_verify(f.input("nohashbang", "plain script")));
  }
  SUBCASE("a program that is not found: the shell's message and status 127") {
    auto st = install::run_verify(f.input("no-such-program --version", "x"));
    REQUIRE_FALSE(st);
    CHECK(st.error().message.find("exited with 127") != std::string::npos);
    CHECK(st.error().message.find("not found") != std::string::npos);
  }
  SUBCASE("a program ended by a signal: 128 + the signal, as sh -c reports it") {
    f.program("dies", "#!/bin/sh\necho dying\nkill -KILL $$\n");
    CHECK(install::run_verify(f.input("dies", "dying", 137)));
    CHECK(install::run_verify(f.input("dies && true", "dying", 137)));  // the shell's own view
    auto st = install::run_verify(f.input("dies", "dying"));
    REQUIRE_FALSE(st);
    CHECK(st.error().message.find("exited with 137 (expected 0)") != std::string::npos);
  }
  SUBCASE("the exit status is compared either way") {
    f.program("fails", "#!/bin/sh\necho failing\nexit 3\n");
    CHECK(install::run_verify(f.input("fails", "failing", 3)));
    CHECK(install::run_verify(f.input("fails || exit 3", "failing", 3)));
  }
}
