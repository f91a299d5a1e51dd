// A word that is no command gets a clear error, with the likely command, and exit 2.
#include <doctest/doctest.h>

#include "support/process.hpp"

using namespace tailor::test;

TEST_CASE("an unknown command") {
  SUBCASE("close to a command: the suggestion") {
    RunResult r = run_tailor({"instal", "ripgrep"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "error: unknown command 'instal' (did you mean 'install'?); `tailor --help` lists the commands\n");
    CHECK(r.out.empty());
  }
  SUBCASE("far from every command: no guess") {
    RunResult r = run_tailor({"frobnicate"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "error: unknown command 'frobnicate'; `tailor --help` lists the commands\n");
  }
  SUBCASE("another package manager's verb: tailor's command for it") {
    RunResult r = run_tailor({"upgrade"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "error: unknown command 'upgrade' (did you mean 'update'?); `tailor --help` lists the commands\n");
    CHECK(run_tailor({"uninstall", "jq"}).err.find("(did you mean 'remove'?)") != std::string::npos);
  }
  SUBCASE("after global flags, too") {
    RunResult r = run_tailor({"-q", "lsit"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("unknown command 'lsit' (did you mean 'list'?)") != std::string::npos);
  }
  SUBCASE("a real command is unaffected") { CHECK(run_tailor({"--version"}).exit_code == 0); }
}
