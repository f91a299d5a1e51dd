// A project install and the install lock (docs/install.md, "Several tools at once"): real
// `tailor install --locked` processes held at a pause point by TAILOR_TEST_PAUSE_AT, and real
// `tailor install --plan` processes beside them on the same TAILOR_HOME. The project install
// takes the lock for each tool's commit only: another install gets it while the project's
// tools download or extract, not while one of them commits; a project install killed at either moment
// loses nothing and the next run completes it.
#include <doctest/doctest.h>

#include <csignal>

#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "coord/lock.hpp"
#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

// A recipe without a version source: tailor.toml names the version.
std::string recipe(const HttpsServer& server, const std::string& name) {
  return "[metadata]\nname = \"" + name +
         "\"\ndescription = \"A test tool\"\n\n[[steps]]\naction = " + "\"download_archive\"\nurl = \"" +
         server.url("/dl/" + name + "-{version}.tar.gz") + "\"\nstrip_dirs = 1\nbinaries = [\"bin/" + name +
         "\"]\n\n[verify]\ncommand = \"" + name + " --version\"\npattern = \"" + name + " {version}\"\n";
}

// A home, a project of two tools resolved into tailor.lock, and a third tool's plan to install
// beside it.
struct Project {
  HttpsServer server;
  fs::path home = fresh_dir("project-lock-home");
  fs::path dir = fresh_dir("project-lock");
  RunOptions options = local_install_env(server, home);
  fs::path other_plan;

  Project() {
    fs::path registry = fresh_dir("project-lock-registry");
    for (const char* name : {"hello", "world"}) {
      ToolRelease release = make_tool_release(name, "1.0.0");
      server.add("/dl/" + release.file_name(), release.bytes);
      write_text(registry / (std::string(name) + ".toml"), recipe(server, name));
    }
    ToolRelease other = make_tool_release("other", "1.0.0");
    server.add("/" + other.file_name(), other.bytes);
    other_plan = dir / "other.json";
    write_text(other_plan, make_tool_plan(other, server.url("/" + other.file_name())).dump(2));
    options.env["TAILOR_RECIPES"] = registry.string();
    options.cwd = dir.string();
    write_text(dir / "tailor.toml", "[tools]\nhello = \"1.0.0\"\nworld = \"1.0.0\"\n");
    // Resolved in a home of its own, so that the installs download every artifact.
    RunOptions resolving = options;
    resolving.env["TAILOR_HOME"] = fresh_dir("project-lock-resolve-home").string();
    auto resolved = run_tailor({"resolve"}, resolving);
    INFO(resolved.err);
    REQUIRE(resolved.exit_code == 0);
  }

  // `install --locked` started and waiting at `point`; REQUIREs that it got there.
  Child paused_at(const std::string& point) const {
    RunOptions paused = options;
    fs::path marker = dir / ("paused-" + point);
    paused.env["TAILOR_TEST_PAUSE_AT"] = point;
    paused.env["TAILOR_TEST_PAUSE_MARKER"] = marker.string();
    Child child = spawn_tailor({"install", "--locked"}, paused);
    for (int i = 0; i < 600 && !fs::exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(fs::exists(marker));
    return child;
  }

  std::string run_bin(const std::string& tool) const { return run({(home / "bin" / tool).string()}).out; }
  ordered_json state() const { return ordered_json::parse(read_text(home / "state.json")); }

  // Lets the held download finish; the project install then completes with both its tools.
  void release_and_finish(Child& child) {
    server.release_held();
    RunResult done = child.wait();
    INFO(done.err);
    CHECK(done.exit_code == 0);
    CHECK(run_bin("hello") == "hello 1.0.0\n");
    CHECK(run_bin("world") == "world 1.0.0\n");
  }

  // After a kill: the next project install completes, cleans up, and keeps `other`.
  void check_completed_by_next_run() const {
    auto again = run_tailor({"install", "--locked"}, options);
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(run_bin("hello") == "hello 1.0.0\n");
    CHECK(run_bin("world") == "world 1.0.0\n");
    CHECK(run_bin("other") == "other 1.0.0\n");
    CHECK(fs::is_empty(home / "tmp"));
    for (const auto& entry : fs::directory_iterator(home / "tools")) {
      CHECK_MESSAGE(entry.path().filename().string().front() != '.', entry.path().string());
    }
    CHECK_FALSE(fs::exists(home / ".lock.holder"));
  }
};

}  // namespace

TEST_CASE("a project install takes the install lock for each tool's commit only") {
  Project project;

  SUBCASE("while its downloads run another install takes the lock, and both complete") {
    // hello's download sends half its bytes, then waits for release_held().
    project.server.script("/dl/hello-1.0.0.tar.gz", {Reply::hold()});
    Child child = spawn_tailor({"install", "--locked"}, project.options);
    REQUIRE(project.server.wait_for_held(1, std::chrono::seconds(30)));
    auto other = run_tailor({"install", "--plan", project.other_plan.string(), "--lock-timeout", "0"}, project.options);
    INFO(other.err);
    CHECK(other.exit_code == 0);
    project.release_and_finish(child);
    CHECK(project.run_bin("other") == "other 1.0.0\n");
  }

  SUBCASE("a tool whose download is in extracts and verifies; none commits before every download is in") {
    // One artifact per chunk: hello's comes in, world's sends half its bytes and waits.
    project.server.script("/dl/world-1.0.0.tar.gz", {Reply::hold()});
    RunOptions one_at_a_time = project.options;
    one_at_a_time.env["TAILOR_FETCH_PARALLEL"] = "1";
    Child child = spawn_tailor({"install", "--locked"}, one_at_a_time);
    REQUIRE(project.server.wait_for_held(1, std::chrono::seconds(30)));
    // hello's build appears in the project's work directory while world's download is held.
    auto hello_built = [&] {
      std::error_code ec;
      for (const auto& work : fs::recursive_directory_iterator(project.home / "tmp", ec)) {
        const std::string path = work.path().string();
        if (path.find("/hello-1.0.0-") != std::string::npos && path.ends_with("/.install/bin/hello")) return true;
      }
      return false;
    };
    bool built = false;
    for (int i = 0; i < 600 && !(built = hello_built()); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(built);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK_FALSE(fs::exists(project.home / "tools" / "hello-1.0.0"));
    CHECK_FALSE(fs::exists(project.home / "bin" / "hello"));
    CHECK_FALSE(tailor::coord::install_lock_held(project.home));
    project.release_and_finish(child);
  }

  SUBCASE("while its tools extract another install takes the lock; killed there, the next run completes") {
    Child child = project.paused_at("before_extract");
    CHECK_FALSE(tailor::coord::install_lock_held(project.home));
    // Lock timeout 0: the lock must be free at once, not after the project install.
    auto other = run_tailor({"install", "--plan", project.other_plan.string(), "--lock-timeout", "0"}, project.options);
    INFO(other.err);
    CHECK(other.exit_code == 0);
    CHECK(project.run_bin("other") == "other 1.0.0\n");
    // The other install's recovery left the running project install's work alone.
    bool work_kept = false;
    for (const auto& entry : fs::directory_iterator(project.home / "tmp"))
      work_kept = work_kept || entry.path().filename().string().starts_with("project-");
    CHECK(work_kept);

    ::kill(child.pid, SIGKILL);
    CHECK(child.wait().exit_code == -SIGKILL);
    CHECK_FALSE(project.state()["installed"].contains("hello"));
    project.check_completed_by_next_run();
  }

  SUBCASE("a commit holds the lock; killed there, the next run completes") {
    Child child = project.paused_at("before_state");
    CHECK(tailor::coord::install_lock_held(project.home));
    auto other = run_tailor({"install", "--plan", project.other_plan.string(), "--lock-timeout", "0"}, project.options);
    CHECK(other.exit_code == 75);
    CHECK(other.err.find("is held by pid " + std::to_string(child.pid) + " (user ") != std::string::npos);

    ::kill(child.pid, SIGKILL);
    CHECK(child.wait().exit_code == -SIGKILL);
    auto retried = run_tailor({"install", "--plan", project.other_plan.string()}, project.options);
    INFO(retried.err);
    CHECK(retried.exit_code == 0);
    project.check_completed_by_next_run();
  }
}
