// `tailor remove` and `tailor list` after real installs from a local HTTPS server.
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

fs::path plan_with_dependency(HttpsServer& server, const fs::path& dir) {
  ToolRelease tool = make_tool_release("gizmo", "3.4.0");
  ToolRelease dep = make_tool_release("libzed", "0.9.3");
  server.add("/" + tool.file_name(), tool.bytes);
  server.add("/" + dep.file_name(), dep.bytes);
  ordered_json plan = make_tool_plan(tool, server.url("/" + tool.file_name()));
  ordered_json dep_plan = make_tool_plan(dep, server.url("/" + dep.file_name()));
  plan["dependencies"] = ordered_json::array({dep_plan});
  write_text(dir / "plan.json", plan.dump(2));
  return dir / "plan.json";
}

}  // namespace

TEST_CASE("remove") {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  RunOptions options = local_install_env(server, home);
  fs::path plan = plan_with_dependency(server, fresh_dir("plans"));
  REQUIRE(run_tailor({"install", "--plan", plan.string()}, options).exit_code == 0);

  SUBCASE("a dependency still required is kept unless forced") {
    auto r = run_tailor({"remove", "libzed"}, options);
    CHECK(r.exit_code == 8);
    CHECK(r.err.find("still required by gizmo") != std::string::npos);
    CHECK(fs::exists(home / "tools" / "libzed-0.9.3"));
  }

  SUBCASE("remove then list: the tool, its links and its orphaned dependency are gone") {
    auto listed = run_tailor({"list"}, options);
    CHECK(listed.out == "gizmo 3.4.0 (active)\n");
    auto all = run_tailor({"list", "--all"}, options);
    CHECK(all.out == "gizmo 3.4.0 (active)\nlibzed 0.9.3 (active) (dependency)\n");

    auto r = run_tailor({"remove", "gizmo"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Removed gizmo (all versions)\n");
    CHECK_FALSE(fs::exists(fs::symlink_status(home / "bin" / "gizmo")));
    CHECK(fs::is_empty(home / "tools"));
    CHECK(run_tailor({"list"}, options).out.empty());
    auto json = run_tailor({"list", "--json"}, options);
    CHECK(json.out == "{\n  \"tools\": [],\n  \"libraries\": []\n}\n");
  }

  SUBCASE("removing something not installed is an error") {
    auto r = run_tailor({"remove", "nothing"}, options);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("nothing is not installed") != std::string::npos);
  }
}

TEST_CASE("remove: links follow ownership") {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path plans = fresh_dir("plans");
  RunOptions options = local_install_env(server, home);
  // hello@1.0.0 provides bin/hello; greeter@2.0.0 provides bin/greeter and bin/hello too.
  ToolRelease hello = make_tool_release("hello", "1.0.0");
  ToolRelease greeter = make_tool_release(
      "greeter", "2.0.0", "tar.gz", {file_entry("greeter-2.0.0/bin/hello", "#!/bin/sh\necho greeter hello\n", 0755)});
  server.add("/" + hello.file_name(), hello.bytes);
  server.add("/" + greeter.file_name(), greeter.bytes);
  ordered_json greeter_plan = make_tool_plan(greeter, server.url("/" + greeter.file_name()));
  greeter_plan["steps"][2]["params"]["binaries"] = ordered_json::array({"bin/greeter", "bin/hello"});
  write_text(plans / "hello.json", make_tool_plan(hello, server.url("/" + hello.file_name())).dump(2));
  write_text(plans / "greeter.json", greeter_plan.dump(2));
  auto run_hello = [&] { return run({(home / "bin" / "hello").string()}).out; };

  REQUIRE(run_tailor({"install", "--plan", (plans / "hello.json").string()}, options).exit_code == 0);
  auto took_over = run_tailor({"install", "--plan", (plans / "greeter.json").string()}, options);
  REQUIRE_MESSAGE(took_over.exit_code == 0, took_over.err);
  CHECK(took_over.err.find("note: hello now points to") != std::string::npos);
  CHECK(run_hello() == "greeter hello\n");

  SUBCASE("removing the tool that took a command over gives it back to the remaining owner") {
    auto r = run_tailor({"remove", "greeter"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("bin/hello -> hello@1.0.0") != std::string::npos);
    CHECK(fs::read_symlink(home / "bin" / "hello") == home / "tools" / "hello-1.0.0" / "bin" / "hello");
    CHECK(run_hello() == "hello 1.0.0\n");
    CHECK_FALSE(fs::exists(fs::symlink_status(home / "bin" / "greeter")));
    auto verified = run_tailor({"verify"}, options);
    CHECK_MESSAGE(verified.exit_code == 0, verified.err);
  }

  SUBCASE("removing the tool that lost the command leaves the owner's link alone") {
    auto r = run_tailor({"remove", "hello"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(run_hello() == "greeter hello\n");
    CHECK(run_tailor({"verify"}, options).exit_code == 0);
  }
}
