#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "coord/lock.hpp"
#include "support/scratch.hpp"

using namespace tailor;
using namespace tailor::coord;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A child process that takes the lock, signals through a pipe, and holds it until killed.
pid_t hold_in_child(const fs::path& home) {
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    auto lock = acquire_install_lock({home, "child holder", 0ms, "", nullptr, false});
    char c = lock ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  ::close(ready[0]);
  REQUIRE(c == 'y');
  return pid;
}

void kill_child(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

}  // namespace

TEST_CASE("acquire_install_lock") {
  fs::path home = test::fresh_dir("lock-home");
  std::ostringstream err;
  util::Output output;
  output.err = &err;

  SUBCASE("writes the holder file while held and removes it on release") {
    {
      auto lock = acquire_install_lock({home, "tailor install ripgrep", 0ms, "", &output, true});
      REQUIRE(lock);
      auto holder = read_lock_holder(home);
      REQUIRE(holder);
      CHECK(holder->pid == ::getpid());
      CHECK(holder->command == "tailor install ripgrep");
      CHECK_FALSE(holder->user.empty());
      CHECK(holder->started.ends_with("Z"));
    }
    CHECK_FALSE(fs::exists(home / ".lock.holder"));
    CHECK(fs::exists(home / ".lock"));
  }
  SUBCASE("busy: fails with lock_busy naming the holder at the timeout") {
    pid_t child = hold_in_child(home);
    CHECK(install_lock_held(home));
    auto start = std::chrono::steady_clock::now();
    auto lock = acquire_install_lock({home, "second", 300ms, "", &output, true});
    auto waited = std::chrono::steady_clock::now() - start;
    kill_child(child);
    REQUIRE_FALSE(lock);
    CHECK(lock.error().kind == ErrorKind::lock_busy);
    CHECK(lock.error().message.find("pid " + std::to_string(child)) != std::string::npos);
    CHECK(lock.error().message.find("'child holder'") != std::string::npos);
    CHECK(waited >= 300ms);
    CHECK(err.str().find("waiting for another tailor process (pid " + std::to_string(child)) != std::string::npos);
  }
  SUBCASE("a killed holder frees the lock for a waiter") {
    pid_t child = hold_in_child(home);
    std::thread killer([child] {
      std::this_thread::sleep_for(200ms);
      kill_child(child);
    });
    auto lock = acquire_install_lock({home, "waiter", 10s, "", &output, true});
    killer.join();
    REQUIRE(lock);
    CHECK(err.str().find("replacing a stale lock holder file") != std::string::npos);
    CHECK(read_lock_holder(home)->pid == ::getpid());
  }
  SUBCASE("a stale holder file is reported and replaced") {
    test::write_text(home / ".lock.holder",
                     R"({"pid": 999999, "user": "ghost", "command": "tailor install crashed", "started": "x"})");
    CHECK_FALSE(install_lock_held(home));
    auto lock = acquire_install_lock({home, "fresh", 0ms, "", &output, true});
    REQUIRE(lock);
    CHECK(err.str().find("pid 999999 (user ghost, 'tailor install crashed'") != std::string::npos);
    CHECK(read_lock_holder(home)->command == "fresh");
  }
}

TEST_CASE("parse_lock_timeout") {
  CHECK(parse_lock_timeout("60") == std::chrono::milliseconds(60s));
  CHECK(parse_lock_timeout("0") == 0ms);
  CHECK(parse_lock_timeout("500ms") == 500ms);
  CHECK(parse_lock_timeout("2m") == std::chrono::milliseconds(2min));
  CHECK(parse_lock_timeout("-1").error().kind == ErrorKind::usage);
  CHECK_FALSE(parse_lock_timeout("soon"));
}

TEST_CASE("default_lock_timeout") {
  ::unsetenv("CI");
  CHECK(default_lock_timeout() == std::chrono::milliseconds(60s));
  ::setenv("CI", "true", 1);
  CHECK(default_lock_timeout() == 0ms);
  ::unsetenv("CI");
}
