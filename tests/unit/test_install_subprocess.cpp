// run_process: the child gets its program, arguments and environment as built before fork.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>

#include "install/subprocess.hpp"
#include "support/scratch.hpp"

using namespace tailor;

TEST_CASE("run_process") {
  SUBCASE("output, exit status and LC_ALL=C") {
    auto r = install::run_process({"sh", "-c", "echo \"out $LC_ALL\"; echo err >&2; exit 3"});
    REQUIRE(r.has_value());
    CHECK(r->output == "out C\nerr\n");
    CHECK(r->exit_code == 3);
    CHECK_FALSE(r->timed_out);
  }
  SUBCASE("the given environment wins over the inherited one; the rest is inherited") {
    install::ProcessOptions options;
    options.env = {{"TAILOR_TEST_CHILD_VAR", "given"}, {"LC_ALL", "ignored"}};
    auto r = install::run_process({"sh", "-c", "echo \"$TAILOR_TEST_CHILD_VAR $LC_ALL ${HOME:+home-set}\""}, options);
    REQUIRE(r.has_value());
    // LC_ALL=C is always what the child sees; HOME comes from this process.
    CHECK(r->output == "given C home-set\n");
  }
  SUBCASE("a program named with a slash runs relative to the child's directory") {
    auto dir = test::fresh_dir("subprocess");
    test::write_text(dir / "hello.sh", "#!/bin/sh\necho \"hello from $(pwd)\"\n");
    ::chmod((dir / "hello.sh").c_str(), 0755);
    install::ProcessOptions options;
    options.cwd = dir.string();
    auto r = install::run_process({"./hello.sh"}, options);
    REQUIRE(r.has_value());
    CHECK(r->output == "hello from " + dir.string() + "\n");
  }
  SUBCASE("a command that is not on PATH is an error") {
    install::ProcessOptions options;
    options.env = {{"PATH", test::fresh_dir("empty-path").string()}};
    auto r = install::run_process({"sh", "-c", "true"}, options);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message == "command 'sh' not found in PATH");
  }
  SUBCASE("a timeout kills the child") {
    install::ProcessOptions options;
    options.timeout = std::chrono::milliseconds(200);
    auto r = install::run_process({"sh", "-c", "sleep 5"}, options);
    REQUIRE(r.has_value());
    CHECK(r->timed_out);
  }
}
