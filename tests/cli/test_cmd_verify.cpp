// `tailor verify` checks the links in bin/ as well as each tool's verify and checksums.
#include <doctest/doctest.h>

#include <map>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

TEST_CASE("verify: links of installed commands") {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  RunOptions options = local_install_env(server, home);
  ToolRelease hello = make_tool_release("hello", "1.0.0");
  server.add("/" + hello.file_name(), hello.bytes);
  fs::path plan = fresh_dir("plans") / "hello.json";
  write_text(plan, make_tool_plan(hello, server.url("/" + hello.file_name())).dump(2));
  REQUIRE(run_tailor({"install", "--plan", plan.string()}, options).exit_code == 0);
  REQUIRE(run_tailor({"verify"}, options).exit_code == 0);

  SUBCASE("a missing link is a problem (exit 7)") {
    fs::remove(home / "bin" / "hello");
    auto r = run_tailor({"verify"}, options);
    CHECK(r.exit_code == 7);
    CHECK(r.out.find("hello@1.0.0: failed\n  " + (home / "bin" / "hello").string() + " is missing") == 0);
    CHECK(r.out.find("hello@1.0.0: ok") == std::string::npos);
  }
  SUBCASE("a link pointing elsewhere is a problem") {
    fs::remove(home / "bin" / "hello");
    fs::create_symlink("/bin/true", home / "bin" / "hello");
    auto r = run_tailor({"verify", "hello"}, options);
    CHECK(r.exit_code == 7);
    CHECK(r.out.find("points to /bin/true, which no installed tool provides") != std::string::npos);
  }
  SUBCASE("a file in place of the link is a problem") {
    fs::remove(home / "bin" / "hello");
    write_text(home / "bin" / "hello", "#!/bin/sh\n");
    auto r = run_tailor({"verify"}, options);
    CHECK(r.exit_code == 7);
    CHECK(r.out.find("is not a link made by tailor") != std::string::npos);
  }
  SUBCASE("an empty tool name is a usage error, not every tool") {
    auto r = run_tailor({"verify", ""}, options);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("empty tool name") != std::string::npos);
    CHECK(r.err.find("hello@1.0.0: ok") == std::string::npos);
  }
  SUBCASE("a hostile tool name is a usage error") {
    auto r = run_tailor({"verify", "../hello"}, options);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("at position 1") != std::string::npos);
  }
}

// Issue 20 ("verify"): one verdict per tool and version, NAME@VERSION for an inactive version,
// --all for every version, and a failure that names the changed file and the command that fixes it.
TEST_CASE("verify: one verdict per version, NAME@VERSION, --all and the fix") {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  RunOptions options = local_install_env(server, home);
  fs::path plans = fresh_dir("plans");
  std::map<std::string, fs::path> plan_of;
  for (const std::string version : {"1.0.0", "1.1.0"}) {
    ToolRelease hello = make_tool_release("hello", version);
    server.add("/" + hello.file_name(), hello.bytes);
    plan_of[version] = plans / ("hello-" + version + ".json");
    write_text(plan_of[version], make_tool_plan(hello, server.url("/" + hello.file_name())).dump(2));
    REQUIRE(run_tailor({"install", "--plan", plan_of[version].string()}, options).exit_code == 0);
  }
  REQUIRE(run_tailor({"list", "--all-versions"}, options).out == "hello 1.0.0 (previous)\nhello 1.1.0 (active)\n");

  SUBCASE("each version checked gets exactly one line") {
    auto r = run_tailor({"verify"}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello@1.1.0: ok\n");
    auto all = run_tailor({"verify", "--all"}, options);
    CHECK(all.exit_code == 0);
    CHECK(all.out == "hello@1.0.0 (inactive): ok\nhello@1.1.0: ok\n");
  }
  SUBCASE("NAME@VERSION checks that version, active or not") {
    auto r = run_tailor({"verify", "hello@1.0.0"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello@1.0.0 (inactive): ok\n");
    CHECK(run_tailor({"verify", "hello@1.1.0"}, options).out == "hello@1.1.0: ok\n");
    auto missing = run_tailor({"verify", "hello@2.0.0"}, options);
    CHECK(missing.exit_code == 1);
    CHECK(missing.err ==
          "error: hello@2.0.0 is not installed (installed: 1.0.0, 1.1.0); `tailor list` shows what is\n");
    CHECK(run_tailor({"verify", "hello@"}, options).exit_code == 2);
  }
  SUBCASE("a changed file: one failed verdict naming the file and the fix, which works") {
    const fs::path binary = home / "tools" / "hello-1.1.0" / "bin" / "hello";
    const std::string expected = sha256_file(binary);
    write_text(binary, "#!/bin/sh\necho hello 1.1.0\n# changed\n");
    auto r = run_tailor({"verify"}, options);
    CHECK(r.exit_code == 7);
    CHECK(r.out == "hello@1.1.0: failed\n  bin/hello changed since install (sha256 " + expected + " expected, " +
                       sha256_file(binary) + " found)\n  fix: tailor install --reinstall --plan " +
                       plan_of["1.1.0"].string() + "\n");
    CHECK(r.err == "error: 1 of 1 checked version failed: hello@1.1.0\n");
    CHECK(r.out.find(": ok") == std::string::npos);

    auto fixed = run_tailor({"install", "--reinstall", "--plan", plan_of["1.1.0"].string()}, options);
    INFO(fixed.err);
    CHECK(fixed.exit_code == 0);
    auto again = run_tailor({"verify"}, options);
    CHECK(again.exit_code == 0);
    CHECK(again.out == "hello@1.1.0: ok\n");
  }
  SUBCASE("an inactive version is checked by --all and by name, not by default") {
    write_text(home / "tools" / "hello-1.0.0" / "bin" / "hello", "#!/bin/sh\necho broken\n");
    CHECK(run_tailor({"verify"}, options).exit_code == 0);
    auto all = run_tailor({"verify", "--all"}, options);
    CHECK(all.exit_code == 7);
    CHECK(all.out.find("hello@1.0.0 (inactive): failed\n  bin/hello changed since install") == 0);
    // The plan file recorded for hello is 1.1.0's: the fix names the version instead.
    CHECK(all.out.find("  fix: tailor install --reinstall hello@1.0.0\n") != std::string::npos);
    CHECK(all.out.find("hello@1.1.0: ok\n") != std::string::npos);
    CHECK(all.err == "error: 1 of 2 checked versions failed: hello@1.0.0\n");
    CHECK(run_tailor({"verify", "hello@1.0.0"}, options).exit_code == 7);
  }
}
