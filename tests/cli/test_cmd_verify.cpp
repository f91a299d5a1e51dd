// `tailor verify` checks the links in bin/ as well as each tool's verify and checksums.
#include <doctest/doctest.h>

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
    CHECK(r.err.find("hello@1.0.0: " + (home / "bin" / "hello").string() + " is missing") != std::string::npos);
    CHECK(r.err.find("hello@1.0.0: ok") == std::string::npos);
  }
  SUBCASE("a link pointing elsewhere is a problem") {
    fs::remove(home / "bin" / "hello");
    fs::create_symlink("/bin/true", home / "bin" / "hello");
    auto r = run_tailor({"verify", "hello"}, options);
    CHECK(r.exit_code == 7);
    CHECK(r.err.find("points to /bin/true, which no installed tool provides") != std::string::npos);
  }
  SUBCASE("a file in place of the link is a problem") {
    fs::remove(home / "bin" / "hello");
    write_text(home / "bin" / "hello", "#!/bin/sh\n");
    auto r = run_tailor({"verify"}, options);
    CHECK(r.exit_code == 7);
    CHECK(r.err.find("is not a link made by tailor") != std::string::npos);
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
