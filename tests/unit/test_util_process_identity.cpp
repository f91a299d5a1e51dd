#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "util/process_identity.hpp"

using namespace tailor;

TEST_CASE("process_liveness") {
  auto self = util::current_process_identity();
  REQUIRE(self);
  CHECK(self->pid == ::getpid());
  CHECK_FALSE(self->boot_id.empty());

  SUBCASE("this process is alive") { CHECK(util::process_liveness(*self) == util::ProcessLiveness::alive); }
  SUBCASE("the same pid started at another time is another process: dead") {
    util::ProcessIdentity reused = *self;
    reused.start_time += 1;
    CHECK(util::process_liveness(reused) == util::ProcessLiveness::dead);
  }
  SUBCASE("a process that exited and was reaped is dead") {
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) ::_exit(0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    util::ProcessIdentity gone = *self;
    gone.pid = child;
    CHECK(util::process_liveness(gone) == util::ProcessLiveness::dead);
  }
  SUBCASE("a running child is alive; once it exited, unreaped (a zombie), it is dead") {
    int report[2];
    int hold[2];
    REQUIRE(::pipe(report) == 0);
    REQUIRE(::pipe(hold) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(report[0]);
      ::close(hold[1]);
      auto me = util::current_process_identity();
      uint64_t start = me ? me->start_time : 0;
      (void)!::write(report[1], &start, sizeof start);
      char byte = 0;
      (void)!::read(hold[0], &byte, 1);  // until the parent closes its end
      ::_exit(0);
    }
    ::close(report[1]);
    ::close(hold[0]);
    uint64_t start = 0;
    REQUIRE(::read(report[0], &start, sizeof start) == static_cast<ssize_t>(sizeof start));
    util::ProcessIdentity identity{child, start, self->boot_id};
    CHECK(util::process_liveness(identity) == util::ProcessLiveness::alive);
    ::close(hold[1]);
    siginfo_t info{};
    REQUIRE(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT) == 0);  // exited, not reaped
    CHECK(util::process_liveness(identity) == util::ProcessLiveness::dead);
    ::waitpid(child, nullptr, 0);
    ::close(report[0]);
  }
  SUBCASE("another boot is dead") {
    util::ProcessIdentity earlier = *self;
    earlier.boot_id = "00000000-0000-0000-0000-000000000000";
    CHECK(util::process_liveness(earlier) == util::ProcessLiveness::dead);
  }
  SUBCASE("without a boot id nothing can be told") {
    util::ProcessIdentity unknown = *self;
    unknown.boot_id.clear();
    CHECK(util::process_liveness(unknown) == util::ProcessLiveness::unknown);
  }
}
