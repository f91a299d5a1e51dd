// Recovery deletes only what tailor staged (issue 22, reproduction 2): a directory under tools/
// that no tailor operation marked survives every install and is listed by `list --problems`; a
// symlinked tools/ is refused before anything is deleted through it; a killed install's
// leftovers carry the marker that lets the next run delete them.
#include <doctest/doctest.h>

#include <csignal>

#include <chrono>
#include <thread>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

using RecoveryHome = ServedHome;

std::string combined(const RunResult& r) { return r.out + r.err; }

}  // namespace

TEST_CASE("install leaves alone what tailor did not stage") {
  HttpsServer server;
  RecoveryHome env{server};
  REQUIRE(env.install(env.plan("hello", "1.0.0")).exit_code == 0);

  SUBCASE("a hand-made tools/manual-2.0 survives installs and is listed by list --problems") {
    fs::path manual = env.home / "tools" / "manual-2.0";
    write_text(manual / "bin" / "manual", "#!/bin/sh\necho mine\n");
    write_text(env.home / "tools" / ".notes" / "todo", "mine\n");
    auto r = env.install(env.plan("world", "1.0.0"));
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("manual-2.0") == std::string::npos);  // not "removed manual-2.0, left by an install ..."
    CHECK(read_text(manual / "bin" / "manual") == "#!/bin/sh\necho mine\n");
    CHECK(read_text(env.home / "tools" / ".notes" / "todo") == "mine\n");
    CHECK(env.tailor({"remove", "world"}).exit_code == 0);
    CHECK(fs::exists(manual / "bin" / "manual"));

    auto problems = env.tailor({"list", "--problems"});
    CHECK(problems.exit_code == 0);
    CHECK(problems.out == (env.home / "tools" / ".notes").string() +
                              ": no tailor operation marked it (made by hand, or left by a tailor older than operation "
                              "markers); tailor leaves it alone: delete it by hand if you do not need it\n" +
                              manual.string() +
                              ": state.json does not record it and no tailor operation marked it; tailor leaves it "
                              "alone\n");
    ordered_json json = ordered_json::parse(env.tailor({"list", "--problems", "--json"}).out);
    REQUIRE(json["problems"].size() == 2);
    CHECK(json["problems"][1]["path"] == manual.string());
    CHECK(json["problems"][1]["kind"] == "unrecorded");
    CHECK(env.tailor({"list"}).out == "hello 1.0.0 (active)\n");  // the listing itself is unchanged
  }

  SUBCASE("a clean home has no problems") {
    auto r = env.tailor({"list", "--problems"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.find("no problems found") != std::string::npos);
  }

  SUBCASE("a symlinked tools/ is refused with what to do, and nothing is deleted through it") {
    fs::path other = fresh_dir("other-disk");
    write_text(other / "precious-1.0" / "data", "keep\n");
    write_text(other / ".precious-1.0.staging" / "data", "keep\n");
    fs::path tools = env.home / "tools";
    fs::rename(tools, env.dir / "old-tools");
    fs::create_directory_symlink(other, tools);
    auto r = env.install(env.plan("world", "1.0.0"));
    INFO(combined(r));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("error: " + tools.string() + " is a symlink (to " + other.string() +
                     "); tailor does not install into or delete through a symlink it did not create") !=
          std::string::npos);
    CHECK(r.err.find("point TAILOR_HOME at a directory there or make " + env.home.string() +
                     " itself a symlink to it") != std::string::npos);
    CHECK(read_text(other / "precious-1.0" / "data") == "keep\n");
    CHECK(read_text(other / ".precious-1.0.staging" / "data") == "keep\n");
    CHECK_FALSE(fs::exists(other / "world-1.0.0"));
    CHECK(env.tailor({"remove", "hello"}).exit_code == 1);
    CHECK(fs::exists(other / "precious-1.0" / "data"));
    CHECK(env.tailor({"list", "--problems"}).out.find(tools.string() + ": a symlink (to " + other.string()) == 0);
  }

  SUBCASE("a symlinked bin/ is refused too") {
    fs::path other = fresh_dir("other-bin");
    write_text(other / "mine", "keep\n");
    fs::rename(env.home / "bin", env.dir / "old-bin");
    fs::create_directory_symlink(other, env.home / "bin");
    auto r = env.install(env.plan("world", "1.0.0"));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find((env.home / "bin").string() + " is a symlink") != std::string::npos);
    CHECK(read_text(other / "mine") == "keep\n");
    CHECK_FALSE(fs::exists(other / "world"));
  }

  SUBCASE("TAILOR_HOME itself may be a symlink") {
    fs::path link = env.dir / "home-link";
    fs::create_directory_symlink(env.home, link);
    RunOptions via_link = env.options;
    via_link.env["TAILOR_HOME"] = link.string();
    auto r = run_tailor({"install", "--plan", env.plan("world", "1.0.0").string()}, via_link);
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(fs::exists(env.home / "tools" / "world-1.0.0" / "bin" / "world"));
  }
}

TEST_CASE("a killed install's leftovers are marked, then deleted; a kept failed build is not") {
  HttpsServer server;
  RecoveryHome env{server};
  REQUIRE(env.install(env.plan("hello", "1.0.0")).exit_code == 0);

  SUBCASE("killed before the state write: the new version directory names the operation") {
    fs::path plan = env.plan("hello", "2.0.0");
    RunOptions paused = env.options;
    fs::path marker = env.dir / "paused";
    paused.env["TAILOR_TEST_PAUSE_AT"] = "before_state";
    paused.env["TAILOR_TEST_PAUSE_MARKER"] = marker.string();
    Child child = spawn_tailor({"install", "--plan", plan.string()}, paused);
    for (int i = 0; i < 600 && !fs::exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(fs::exists(marker));
    fs::path leftover = env.home / "tools" / "hello-2.0.0";
    ordered_json operation = ordered_json::parse(read_text(leftover / ".tailor" / "operation.json"));
    CHECK(operation["pid"] == child.pid);
    CHECK(operation["kind"] == "staging");
    CHECK(operation["tool"] == "hello");
    CHECK(operation["operation"].get<std::string>().size() == 32);
    // While it runs, its directory is not a problem.
    CHECK(env.tailor({"list", "--problems"}).out.empty());
    ::kill(child.pid, SIGKILL);
    CHECK(child.wait().exit_code == -SIGKILL);
    auto listed = env.tailor({"list", "--problems", "--json"});
    CHECK(ordered_json::parse(listed.out)["problems"][0]["kind"] == "interrupted");

    auto r = env.tailor({"remove", "no-such-tool"});
    CHECK(r.err.find("removed hello-2.0.0, left by an install that did not finish") != std::string::npos);
    CHECK_FALSE(fs::exists(leftover));
    auto again = env.install(plan);
    INFO(combined(again));
    CHECK(again.exit_code == 0);
    CHECK_FALSE(fs::exists(env.home / "tools" / "hello-2.0.0" / ".tailor" / "operation.json"));
    CHECK(env.tailor({"list", "--problems"}).out.empty());
  }

  SUBCASE("--keep-failed keeps an unmarked build that later installs leave alone") {
    ordered_json plan = ordered_json::parse(read_text(env.plan("hello", "2.0.0")));
    plan["verify"]["pattern"] = "hello 9.9";
    write_text(env.dir / "failing.json", plan.dump());
    auto r = env.tailor({"install", "--plan", (env.dir / "failing.json").string(), "--keep-failed"});
    CHECK(r.exit_code == 6);
    fs::path kept = env.home / "tools" / "hello-2.0.0.failed";
    CHECK_FALSE(fs::exists(kept / ".tailor" / "operation.json"));
    REQUIRE(env.install(env.plan("world", "1.0.0")).exit_code == 0);
    CHECK(fs::exists(kept / "bin" / "hello"));
    ordered_json json = ordered_json::parse(env.tailor({"list", "--problems", "--json"}).out);
    REQUIRE(json["problems"].size() == 1);
    CHECK(json["problems"][0]["kind"] == "kept-failed");
  }
}

TEST_CASE("a killed remove leaves the tool either installed or gone, never recorded without its directory") {
  HttpsServer server;
  for (std::string point : {"before_remove_state", "before_remove_delete"}) {
    CAPTURE(point);
    RecoveryHome env{server};
    REQUIRE(env.install(env.plan("hello", "1.0.0")).exit_code == 0);
    RunOptions paused = env.options;
    fs::path marker = env.dir / ("paused-" + point);
    paused.env["TAILOR_TEST_PAUSE_AT"] = point;
    paused.env["TAILOR_TEST_PAUSE_MARKER"] = marker.string();
    Child child = spawn_tailor({"remove", "hello"}, paused);
    for (int i = 0; i < 600 && !fs::exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(fs::exists(marker));
    fs::path dir = env.home / "tools" / "hello-1.0.0";
    CHECK(ordered_json::parse(read_text(dir / ".tailor" / "operation.json"))["kind"] == "removing");
    ::kill(child.pid, SIGKILL);
    CHECK(child.wait().exit_code == -SIGKILL);

    auto r = env.tailor({"remove", "no-such-tool"});  // takes the lock: recovery runs
    INFO(combined(r));
    if (point == "before_remove_state") {
      // Not committed: the tool is still installed, runs, and verify agrees.
      CHECK_FALSE(fs::exists(dir / ".tailor" / "operation.json"));
      CHECK(run({(env.home / "bin" / "hello").string()}).out == "hello 1.0.0\n");
      CHECK(env.tailor({"verify"}).exit_code == 0);
    } else {
      // Committed: the leftover directory goes.
      CHECK(r.err.find("removed hello-1.0.0, left by a remove that did not finish") != std::string::npos);
      CHECK_FALSE(fs::exists(dir));
      CHECK(env.tailor({"list"}).out.empty());
    }
    CHECK(env.tailor({"list", "--problems"}).out.empty());
  }
}
