// A state.json of the wrong shape stops every command that reads it and deletes nothing;
// `tailor state rebuild` writes it again from the install receipts (issue 22, reproduction 1).
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

struct Home {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path dir = fresh_dir("state");
  RunOptions options = local_install_env(server, home);

  RunResult install(const std::string& tool, const std::string& version) {
    ToolRelease release = make_tool_release(tool, version);
    server.add("/" + release.file_name(), release.bytes);
    fs::path plan = dir / (tool + ".json");
    write_text(plan, make_tool_plan(release, server.url("/" + release.file_name())).dump());
    return run_tailor({"install", "--plan", plan.string()}, options);
  }
  std::string run_bin(const std::string& name) const { return run({(home / "bin" / name).string()}).out; }
  fs::path state() const { return home / "state.json"; }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a damaged state.json") {
  Home env;
  REQUIRE(env.install("hello", "1.0.0").exit_code == 0);
  REQUIRE(env.install("world", "2.0.0").exit_code == 0);
  const std::string listed = "hello 1.0.0 (active)\nworld 2.0.0 (active)\n";
  REQUIRE(run_tailor({"list"}, env.options).out == listed);

  SUBCASE("{} stops list, install, verify and remove, deletes nothing, and state rebuild repairs it") {
    write_text(env.state(), "{}\n");  // in place, as `echo '{}' > state.json` does

    auto list = run_tailor({"list"}, env.options);
    CHECK(list.exit_code == 10);
    CHECK(list.out.empty());
    CHECK(contains(list.err, "error: " + env.state().string() + ": \"installed\" is missing"));
    CHECK(contains(list.err, "tailor changed nothing"));
    CHECK(contains(list.err, "cp " + (env.home / "state.json.prev").string()));
    CHECK(contains(list.err, "tailor state rebuild"));

    auto third = env.install("third", "3.0.0");
    CHECK(third.exit_code == 10);
    CHECK_FALSE(contains(third.err, "removed"));
    for (const auto& args : std::vector<std::vector<std::string>>{{"verify"}, {"remove", "hello"}}) {
      auto r = run_tailor(args, env.options);
      CHECK(r.exit_code == 10);
      CHECK(contains(r.err, "\"installed\" is missing"));
    }
    CHECK(fs::is_directory(env.home / "tools" / "hello-1.0.0"));
    CHECK(fs::is_directory(env.home / "tools" / "world-2.0.0"));
    CHECK_FALSE(fs::exists(env.home / "tools" / "third-3.0.0"));
    CHECK(env.run_bin("hello") == "hello 1.0.0\n");
    CHECK(env.run_bin("world") == "world 2.0.0\n");
    CHECK(read_text(env.state()) == "{}\n");

    auto rebuilt = run_tailor({"state", "rebuild"}, env.options);
    INFO(rebuilt.err);
    REQUIRE(rebuilt.exit_code == 0);
    CHECK(rebuilt.out == "Rebuilt " + env.state().string() + " (2 tools); the unreadable one is kept as " +
                             (env.home / "state.json.damaged").string() + "\n");
    CHECK(contains(rebuilt.err, "recorded hello@1.0.0 (active)"));
    CHECK(read_text(env.home / "state.json.damaged") == "{}\n");
    CHECK(run_tailor({"list"}, env.options).out == listed);
    CHECK(run_tailor({"verify"}, env.options).exit_code == 0);

    // The rebuilt state is a working one: the next install goes ahead and keeps the others.
    CHECK(env.install("third", "3.0.0").exit_code == 0);
    CHECK(run_tailor({"list"}, env.options).out ==
          "hello 1.0.0 (active)\nthird 3.0.0 (active)\nworld 2.0.0 (active)\n");
    CHECK(env.run_bin("hello") == "hello 1.0.0\n");
  }
  SUBCASE("every wrong shape from the issue is refused by list") {
    for (const std::string text : {R"({"instaled": {}})", R"({"installed": null})",
                                   R"({"installed": {"hello": {"active_version": "1.0.0"}}})", "[]"}) {
      write_text(env.state(), text);
      auto r = run_tailor({"list"}, env.options);
      INFO(text);
      CHECK(r.exit_code == 10);
      CHECK(contains(r.err, env.state().string()));
    }
  }
  SUBCASE("state.json.prev is a good copy to put back") {
    write_text(env.state(), R"({"installed": null})");
    fs::copy_file(env.home / "state.json.prev", env.state(), fs::copy_options::overwrite_existing);
    // .prev is the state before the last write: hello only.
    CHECK(run_tailor({"list"}, env.options).out == "hello 1.0.0 (active)\n");
  }
  SUBCASE("--dry-run prints the state it would write and writes nothing") {
    write_text(env.state(), "{}");
    auto r = run_tailor({"state", "rebuild", "--dry-run"}, env.options);
    REQUIRE(r.exit_code == 0);
    auto state = ordered_json::parse(r.out);
    CHECK(state["installed"]["world"]["active_version"] == "2.0.0");
    CHECK(state["installed"]["hello"]["versions"]["1.0.0"]["binaries"] == ordered_json::array({"bin/hello"}));
    CHECK(contains(r.err, "would record world@2.0.0 (active)"));
    CHECK(read_text(env.state()) == "{}");
  }
  SUBCASE("--json reports what was recorded and what was not") {
    write_text(env.state(), "{}");
    write_text(env.home / "tools" / "manual-1.0" / "bin" / "manual", "x");
    auto r = run_tailor({"state", "rebuild", "--json"}, env.options);
    REQUIRE(r.exit_code == 0);
    auto doc = ordered_json::parse(r.out);
    CHECK(doc["written"] == true);
    CHECK(doc["kept_as"] == (env.home / "state.json.damaged").string());
    CHECK(doc["recorded"].size() == 2);
    REQUIRE(doc["unrecorded"].size() == 1);
    CHECK(doc["unrecorded"][0]["path"] == (env.home / "tools" / "manual-1.0").string());
    CHECK(fs::exists(env.home / "tools" / "manual-1.0" / "bin" / "manual"));
  }
  SUBCASE("a readable state is replaced only with --force") {
    auto r = run_tailor({"state", "rebuild"}, env.options);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "--force"));
    auto forced = run_tailor({"state", "rebuild", "--force"}, env.options);
    CHECK(forced.exit_code == 0);
    CHECK(run_tailor({"list"}, env.options).out == listed);
  }
}

TEST_CASE("every install writes its install record into the receipt") {
  Home env;
  REQUIRE(env.install("hello", "1.0.0").exit_code == 0);
  auto receipt = ordered_json::parse(read_text(env.home / "tools" / "hello-1.0.0" / ".tailor" / "receipt.json"));
  auto state = ordered_json::parse(read_text(env.state()));
  const auto& version = state["installed"]["hello"]["versions"]["1.0.0"];
  CHECK(receipt["tool"] == "hello");
  CHECK(receipt["version"] == "1.0.0");
  for (const char* key : {"requested", "binaries", "binary_checksums", "installed_at", "plan"}) {
    INFO(key);
    CHECK(receipt[key] == version[key]);
  }
  CHECK(receipt["is_explicit"] == true);
  CHECK(receipt["source"] == state["installed"]["hello"]["source"]);
  CHECK_FALSE(receipt.contains("backend"));
}
