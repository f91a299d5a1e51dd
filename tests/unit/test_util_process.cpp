// util::run_process and util::run_in_child: real children, real pipes, real signals.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <csignal>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

#include "support/scratch.hpp"
#include "util/process.hpp"

using namespace tailor;
using namespace std::chrono_literals;

namespace {

util::ProcessOptions with_path() {
  util::ProcessOptions options;
  const char* path = std::getenv("PATH");
  options.search_path = path != nullptr ? path : "/usr/bin:/bin";
  return options;
}

}  // namespace

TEST_CASE("run_process") {
  SUBCASE("stdout and stderr captured together, the exit status returned") {
    auto r = util::run_process({"sh", "-c", "echo out; echo err >&2; exit 3"}, with_path());
    REQUIRE(r.has_value());
    CHECK(r->output == "out\nerr\n");
    CHECK(r->exit_code == 3);
    CHECK(r->signal == 0);
    CHECK_FALSE(r->timed_out);
  }
  SUBCASE("stdout alone captured; stderr stays the parent's") {
    auto options = with_path();
    options.output = util::ChildOutput::capture_stdout;
    auto r = util::run_process({"sh", "-c", "echo out; echo err >&2; echo more"}, options);
    REQUIRE(r.has_value());
    CHECK(r->output == "out\nmore\n");
    CHECK(r->exit_code == 0);
  }
  SUBCASE("input text arrives on stdin, then end of file; without it stdin is /dev/null") {
    auto options = with_path();
    options.input = util::ChildInput::text;
    options.input_text = "line one\nline two\n";
    auto r = util::run_process({"sh", "-c", "wc -l"}, options);
    REQUIRE(r.has_value());
    CHECK(r->output.find('2') != std::string::npos);
    auto null = util::run_process({"sh", "-c", "cat; echo done"}, with_path());
    REQUIRE(null.has_value());
    CHECK(null->output == "done\n");
  }
  SUBCASE("a child that never reads a large input neither blocks nor kills the parent") {
    auto options = with_path();
    options.input = util::ChildInput::text;
    options.input_text = std::string(1 << 20, 'x');
    auto r = util::run_process({"sh", "-c", "exec 0<&-; echo closed"}, options);
    REQUIRE(r.has_value());
    CHECK(r->output == "closed\n");
    CHECK(r->exit_code == 0);
  }
  SUBCASE("the environment: given values over inherited ones, or only the given ones") {
    ::setenv("TAILOR_TEST_PROCESS_VAR", "inherited", 1);
    auto options = with_path();
    options.env = {{"TAILOR_TEST_PROCESS_OTHER", "given"}};
    auto r = util::run_process({"sh", "-c", "echo \"$TAILOR_TEST_PROCESS_VAR $TAILOR_TEST_PROCESS_OTHER\""}, options);
    REQUIRE(r.has_value());
    CHECK(r->output == "inherited given\n");
    options.inherit_environment = false;
    r = util::run_process({"/bin/sh", "-c", "echo \"[$TAILOR_TEST_PROCESS_VAR] $TAILOR_TEST_PROCESS_OTHER\""}, options);
    REQUIRE(r.has_value());
    CHECK(r->output == "[] given\n");
    ::unsetenv("TAILOR_TEST_PROCESS_VAR");
  }
  SUBCASE("the search path decides; a name with a slash runs relative to the child's directory") {
    auto dir = test::fresh_dir("process-cwd");
    test::write_text(dir / "hello.sh", "#!/bin/sh\necho \"hello from $(pwd)\"\n");
    ::chmod((dir / "hello.sh").c_str(), 0755);
    auto options = with_path();
    options.cwd = dir.string();
    auto r = util::run_process({"./hello.sh"}, options);
    REQUIRE(r.has_value());
    CHECK(r->output == "hello from " + dir.string() + "\n");
    options.search_path = dir.string();
    auto found = util::run_process({"hello.sh"}, options);
    REQUIRE(found.has_value());
    CHECK(found->exit_code == 0);
    options.search_path = test::fresh_dir("process-empty-path").string();
    auto missing = util::run_process({"sh", "-c", "true"}, options);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().message == "command 'sh' not found in PATH");
  }
  SUBCASE("a found file the kernel cannot execute exits 127, or runs under /bin/sh with shell_fallback") {
    auto dir = test::fresh_dir("process-script");
    test::write_text(dir / "bare", "echo ran by sh\n");
    ::chmod((dir / "bare").c_str(), 0755);
    auto options = with_path();
    auto refused = util::run_process({(dir / "bare").string()}, options);
    REQUIRE(refused.has_value());
    CHECK_FALSE(refused->started);
    CHECK(refused->exit_code == 127);
    options.shell_fallback = true;
    auto fallback = util::run_process({(dir / "bare").string()}, options);
    REQUIRE(fallback.has_value());
    CHECK(fallback->started);
    CHECK(fallback->exit_code == 0);
    CHECK(fallback->output == "ran by sh\n");
  }
  SUBCASE("the exit is waited for after the output closes") {
    auto r = util::run_process({"sh", "-c", "echo early; exec >&- 2>&-; sleep 0.2; exit 4"}, with_path());
    REQUIRE(r.has_value());
    CHECK(r->output == "early\n");
    CHECK(r->exit_code == 4);
  }
  SUBCASE("output past the limit is read and dropped") {
    auto options = with_path();
    options.max_output = 10;
    auto r = util::run_process({"sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a; exit 0"}, options);
    REQUIRE(r.has_value());
    CHECK(r->output == std::string(10, 'a'));
    CHECK(r->exit_code == 0);
  }
  SUBCASE("the timeout kills the whole process group, grandchildren included") {
    auto options = with_path();
    options.timeout = 300ms;
    // The grandchild keeps the output open: only killing the group ends the wait.
    auto r = util::run_process({"sh", "-c", "sleep 30 & sleep 30"}, options);
    REQUIRE(r.has_value());
    CHECK(r->timed_out);
    CHECK(r->signal == SIGKILL);
    CHECK(r->exit_code == -1);
  }
  SUBCASE("a child killed by a signal reports it") {
    auto r = util::run_process({"sh", "-c", "kill -TERM $$"}, with_path());
    REQUIRE(r.has_value());
    CHECK(r->signal == SIGTERM);
    CHECK_FALSE(r->timed_out);
  }
}

TEST_CASE("ExecutableWrite") {
  // A child is started only once no file that may be executed is open for writing.
  std::atomic<bool> released{false};
  std::promise<void> holding;
  std::thread writer([&] {
    util::ExecutableWrite writing;
    holding.set_value();
    std::this_thread::sleep_for(100ms);
    released = true;
  });
  holding.get_future().wait();
  auto r = util::run_process({"/bin/true"}, with_path());
  writer.join();
  REQUIRE(r.has_value());
  CHECK(released);
}

TEST_CASE("run_in_child") {
  util::ProcessOptions options;
  options.timeout = 5s;
  SUBCASE("the answer written by the child") {
    auto r = util::run_in_child([](int fd) { (void)!::write(fd, "answer", 6); }, options);
    REQUIRE(r.has_value());
    CHECK(r->output == "answer");
    CHECK(r->exit_code == 0);
  }
  SUBCASE("a child that crashes is reported, not shared") {
    auto r = util::run_in_child([](int) { ::kill(::getpid(), SIGKILL); }, options);
    REQUIRE(r.has_value());
    CHECK(r->signal == SIGKILL);
    CHECK_FALSE(r->timed_out);
  }
  SUBCASE("a child that hangs is killed at the timeout") {
    options.timeout = 200ms;
    auto r = util::run_in_child([](int) { ::pause(); }, options);
    REQUIRE(r.has_value());
    CHECK(r->timed_out);
    CHECK(r->signal == SIGKILL);
  }
}
