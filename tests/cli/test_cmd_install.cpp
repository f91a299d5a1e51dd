// `tailor install` against a real HTTPS server on 127.0.0.1 with a CA made at test time,
// archives built by the test, and real child processes killed at chosen moments.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <csignal>

#include <algorithm>
#include <chrono>
#include <thread>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

// A fresh TAILOR_HOME, facts that never read the real machine, and the server's CA.
struct InstallEnv {
  fs::path home = fresh_dir("home");
  fs::path dir = fresh_dir("work");
  RunOptions options;

  explicit InstallEnv(const HttpsServer& server, const std::string& gpu = "none") {
    fs::path sysroot = dir / "sysroot";
    fs::create_directories(sysroot);
    write_text(
        dir / "facts.json",
        R"({"facts_version": 1, "os": "linux", "arch": "amd64", "linux_family": "debian", "libc": "glibc", "gpu": ")" +
            gpu + R"("})");
    options.env = {{"TAILOR_HOME", home.string()},
                   {"TAILOR_CA_BUNDLE", server.ca_file().string()},
                   {"TAILOR_SYSROOT", sysroot.string()},
                   {"TAILOR_FACTS", (dir / "facts.json").string()},
                   {"CI", "1"}};
    options.timeout_seconds = 60;
  }
  fs::path plan_file(const ordered_json& plan, const std::string& name = "plan.json") const {
    write_text(dir / name, plan.dump(2));
    return dir / name;
  }
  RunResult install(const ordered_json& plan, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"install", "--plan", plan_file(plan).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_tailor(args, options);
  }
  std::string run_bin(const std::string& name) const { return run({(home / "bin" / name).string()}).out; }
  ordered_json state() const { return ordered_json::parse(read_text(home / "state.json")); }
  bool nothing_installed() const {
    auto empty = [](const fs::path& p) { return !fs::exists(p) || fs::is_empty(p); };
    return empty(home / "tools") && empty(home / "bin") && !fs::exists(home / "state.json");
  }
};

ordered_json served_plan(HttpsServer& server, const ToolRelease& release) {
  server.add("/" + release.file_name(), release.bytes);
  return make_tool_plan(release, server.url("/" + release.file_name()));
}

std::string combined(const RunResult& r) { return r.out + r.err; }

}  // namespace

TEST_CASE("install --plan") {
  HttpsServer server;
  InstallEnv env(server);
  ToolRelease hello = make_tool_release("hello", "1.0.0");
  ToolRelease dep = make_tool_release("depcmd", "2.0.0", "tar.xz");

  SUBCASE("happy path with a dependency installs both, links the tool and records state") {
    ordered_json plan = served_plan(server, hello);
    ordered_json dep_plan = served_plan(server, dep);
    dep_plan.erase("format_version");
    dep_plan.erase("platform");
    dep_plan.erase("deterministic");
    plan["dependencies"] = ordered_json::array({dep_plan});
    plan["verify"]["command"] = "hello --version && depcmd --version";
    auto r = env.install(plan);
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "depcmd@2.0.0\nhello@1.0.0\n");
    CHECK(env.run_bin("hello") == "hello 1.0.0\n");
    CHECK_FALSE(fs::exists(env.home / "bin" / "depcmd"));  // dependencies stay hidden
    ordered_json state = env.state();
    CHECK(state["installed"]["hello"]["active_version"] == "1.0.0");
    CHECK(state["installed"]["depcmd"]["is_hidden"] == true);
    CHECK(state["installed"]["depcmd"]["required_by"] == ordered_json::array({"hello"}));
    CHECK(state["installed"]["hello"]["versions"]["1.0.0"]["binary_checksums"]["bin/hello"].get<std::string>().size() ==
          64);
    CHECK(fs::is_empty(env.home / "tmp"));

    size_t requests = server.requests().size();
    auto again = env.install(plan);
    CHECK(again.exit_code == 0);
    CHECK(again.err.find("hello@1.0.0 is already installed") != std::string::npos);
    CHECK(server.requests().size() == requests);
  }

  SUBCASE("a plan field of the wrong type is refused by its path before anything is fetched") {
    ordered_json plan = served_plan(server, hello);
    plan["steps"][0]["size"] = "big";
    auto r = env.install(plan);
    INFO(combined(r));
    CHECK(r.exit_code == 10);
    CHECK(r.err.find("the plan is not a tailor plan: $.steps[0].size: a non-negative integer is needed") !=
          std::string::npos);
    CHECK(env.nothing_installed());
    CHECK(server.requests().empty());
  }

  SUBCASE("every artifact of the plan is fetched up front, in parallel") {
    ordered_json plan = served_plan(server, hello);
    ordered_json dep_plan = served_plan(server, dep);
    plan["dependencies"] = ordered_json::array({dep_plan});
    // The dependency's download stops halfway until released; the tool's own artifact is
    // requested meanwhile, before the dependency (installed first) has finished.
    server.script("/" + dep.file_name(), {Reply::hold()});
    Child child = spawn_tailor({"install", "--plan", env.plan_file(plan).string()}, env.options);
    REQUIRE(server.wait_for_held(1, std::chrono::seconds(20)));
    auto requested = [&] {
      auto lines = server.request_lines();
      return std::find(lines.begin(), lines.end(), "GET /" + hello.file_name()) != lines.end();
    };
    for (int i = 0; i < 400 && !requested(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(requested());
    CHECK_FALSE(fs::exists(env.home / "tools" / "depcmd-2.0.0"));
    server.release_held();
    auto r = child.wait();
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(r.out == "depcmd@2.0.0\nhello@1.0.0\n");
    // Each artifact was downloaded once: the steps found them verified in the cache.
    CHECK(server.request_lines().size() == 2);
  }

  SUBCASE("an artifact that cannot be fetched stops the install before any tool is touched") {
    ordered_json plan = make_tool_plan(hello, server.url("/missing.tar.gz"));
    plan["dependencies"] = ordered_json::array({served_plan(server, dep)});
    auto r = env.install(plan);
    INFO(combined(r));
    CHECK(r.exit_code == 5);
    CHECK(env.nothing_installed());  // not even the dependency, which downloaded fine
  }

  SUBCASE("checksum mismatch installs nothing") {
    ordered_json plan = served_plan(server, hello);
    std::string wrong(64, 'a');
    plan["steps"][0]["params"]["checksum"] = wrong;
    plan["steps"][0]["checksum"] = wrong;
    auto r = env.install(plan);
    INFO(combined(r));
    CHECK(r.exit_code == 9);
    CHECK(r.err.find(wrong) != std::string::npos);
    CHECK(env.nothing_installed());
  }

  SUBCASE("a truncated body fails after the retries and installs nothing") {
    ordered_json plan = served_plan(server, hello);
    server.script("/" + hello.file_name(), std::vector<Reply>(5, Reply::truncate(10)));
    auto r = env.install(plan);
    INFO(combined(r));
    CHECK(r.exit_code == 5);
    CHECK(env.nothing_installed());
  }

  SUBCASE("404 installs nothing") {
    ordered_json plan = make_tool_plan(hello, server.url("/missing.tar.gz"));
    auto r = env.install(plan);
    INFO(combined(r));
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("404") != std::string::npos);
    CHECK(env.nothing_installed());
  }

  SUBCASE("a failing verify rolls back and keeps the earlier links") {
    REQUIRE(env.install(served_plan(server, hello)).exit_code == 0);
    ToolRelease v2 = make_tool_release("hello", "2.0.0");
    ordered_json plan = served_plan(server, v2);
    plan["verify"]["pattern"] = "hello 9.9";
    auto r = env.install(plan);
    INFO(combined(r));
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("rolled back") != std::string::npos);
    CHECK_FALSE(fs::exists(env.home / "tools" / "hello-2.0.0"));
    CHECK(env.run_bin("hello") == "hello 1.0.0\n");
    CHECK(env.state()["installed"]["hello"]["active_version"] == "1.0.0");
  }

  SUBCASE("--keep-failed keeps a build that fails verify, unlinked and unrecorded") {
    REQUIRE(env.install(served_plan(server, hello)).exit_code == 0);
    ordered_json plan = served_plan(server, hello);
    plan["verify"]["pattern"] = "hello 9.9";
    auto r = env.install(plan, {"--reinstall", "--keep-failed"});
    INFO(combined(r));
    CHECK(r.exit_code == 6);
    fs::path kept = env.home / "tools" / "hello-1.0.0.failed";
    CHECK(r.err.find("failed build kept in " + kept.string()) != std::string::npos);
    CHECK(fs::exists(kept / "bin" / "hello"));
    // The working 1.0.0 is back in place, linked and recorded as before.
    CHECK(env.run_bin("hello") == "hello 1.0.0\n");
    CHECK(env.state()["installed"]["hello"]["active_version"] == "1.0.0");
  }

  SUBCASE("--reinstall installs an installed version again") {
    REQUIRE(env.install(served_plan(server, hello)).exit_code == 0);
    fs::path marker = env.home / "tools" / "hello-1.0.0" / "marker";
    write_text(marker, "old build");
    auto again = env.install(served_plan(server, hello));
    CHECK(again.err.find("hello@1.0.0 is already installed") != std::string::npos);
    CHECK(fs::exists(marker));
    auto r = env.install(served_plan(server, hello), {"--reinstall"});
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK_FALSE(fs::exists(marker));  // a fresh build replaced the old directory
    CHECK(env.run_bin("hello") == "hello 1.0.0\n");
  }

  SUBCASE("a cache hit is re-hashed; a tampered entry is dropped and downloaded again") {
    ordered_json plan = served_plan(server, hello);
    REQUIRE(env.install(plan).exit_code == 0);
    REQUIRE(run_tailor({"remove", "hello"}, env.options).exit_code == 0);
    fs::path entry = env.home / "cache" / "downloads" / (hello.sha256 + ".data");
    REQUIRE(fs::exists(entry));
    std::string bytes = read_text(entry);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);  // same size, other bytes
    write_text(entry, bytes);
    size_t requests = server.requests().size();
    auto r = env.install(plan);
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find(entry.string() + " no longer matches its checksum: expected sha256 " + hello.sha256) !=
          std::string::npos);
    CHECK(r.err.find("; downloading it again") != std::string::npos);
    CHECK(server.requests().size() == requests + 1);  // the same install fetched it once more
    CHECK(env.run_bin("hello") == "hello 1.0.0\n");
    CHECK(read_text(entry) == hello.bytes);
  }

  SUBCASE("an install from cache makes no request and never loads libcurl") {
    ordered_json plan = served_plan(server, hello);
    REQUIRE(env.install(plan).exit_code == 0);
    REQUIRE(run_tailor({"remove", "hello"}, env.options).exit_code == 0);
    size_t requests = server.requests().size();
    // glibc's loader lists every library it maps when LD_DEBUG=libs (children included).
    RunOptions traced = env.options;
    traced.env["LD_DEBUG"] = "libs";
    auto r = run_tailor({"install", "--plan", env.plan_file(plan).string()}, traced);
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("libarchive.so") != std::string::npos);  // the trace is really there
    CHECK(r.err.find("libcurl") == std::string::npos);
    CHECK(server.requests().size() == requests);
    CHECK(env.run_bin("hello") == "hello 1.0.0\n");
  }

  SUBCASE("a plan without a checksum is refused") {
    ordered_json plan = served_plan(server, hello);
    plan["steps"][0]["params"].erase("checksum");
    plan["steps"][0].erase("checksum");
    auto r = env.install(plan);
    CHECK(r.exit_code == 9);
    CHECK(r.err.find("no checksum") != std::string::npos);
    CHECK(server.requests().empty());
  }
}

TEST_CASE("install --plan refuses hostile archives") {
  HttpsServer server;
  InstallEnv env(server);
  fs::path outside = env.home.parent_path();
  auto hostile = [&](std::vector<ArchiveEntry> extra, const std::string& needle, int code = 10,
                     std::map<std::string, std::string> more_env = {}) {
    ToolRelease bad = make_tool_release("bad", "1.0.0", "tar.gz", std::move(extra));
    InstallEnv local = env;
    for (auto& [k, v] : more_env) local.options.env[k] = v;
    auto r = local.install(served_plan(server, bad));
    INFO(combined(r));
    CHECK(r.exit_code == code);
    CHECK(r.err.find(needle) != std::string::npos);
    CHECK_FALSE(fs::exists(outside / "evil"));
    CHECK_FALSE(fs::exists(env.home / "evil"));
    CHECK_FALSE(fs::exists(env.home / "tools" / "bad-1.0.0"));
    CHECK(fs::is_empty(env.home / "tmp"));
  };
  SUBCASE("absolute path") { hostile({file_entry((outside / "evil").string(), "x")}, "absolute path"); }
  SUBCASE("dot-dot") { hostile({file_entry("bad-1.0.0/../../evil", "x")}, "'..' component"); }
  SUBCASE("symlink escaping") {
    hostile({symlink_entry("bad-1.0.0/bin/evil", "../../../evil")}, "outside the destination");
  }
  SUBCASE("symlink then write through it") {
    hostile({symlink_entry("bad-1.0.0/up", "."), file_entry("bad-1.0.0/up/evil", "x")}, "symlink or not a directory");
  }
  SUBCASE("hard link outside") { hostile({hardlink_entry("bad-1.0.0/h", "../../evil")}, "points outside"); }
  SUBCASE("size bomb with a small limit") {
    ArchiveEntry bomb = file_entry("bad-1.0.0/bomb", "");
    bomb.size = 4 << 20;
    hostile({bomb}, "extraction size limit", 10, {{"TAILOR_MAX_EXTRACT_SIZE", "1MiB"}});
  }
  SUBCASE("device files are skipped with a warning, the rest installs") {
    ToolRelease dev =
        make_tool_release("devtool", "1.0.0", "tar.gz",
                          {ArchiveEntry{"devtool-1.0.0/bin/null", EntryType::char_device, {}, 0666, {}, 0}});
    auto r = env.install(served_plan(server, dev));
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("skipped devtool-1.0.0/bin/null") != std::string::npos);
    CHECK_FALSE(fs::exists(env.home / "tools" / "devtool-1.0.0" / "bin" / "null"));
  }
}

TEST_CASE("install --plan survives SIGKILL") {
  HttpsServer server;
  for (std::string point : {"before_extract", "during_extract", "before_rename", "before_state"}) {
    CAPTURE(point);
    InstallEnv env(server);
    REQUIRE(env.install(served_plan(server, make_tool_release("hello", "1.0.0"))).exit_code == 0);
    ToolRelease v2 = make_tool_release(
        "hello", "2.0.0", "tar.gz", {file_entry("hello-2.0.0/share/a", "1"), file_entry("hello-2.0.0/share/b", "2")});
    fs::path plan = env.plan_file(served_plan(server, v2), "v2.json");

    RunOptions paused = env.options;
    fs::path marker = env.dir / ("paused-" + point);
    paused.env["TAILOR_TEST_PAUSE_AT"] = point;
    paused.env["TAILOR_TEST_PAUSE_MARKER"] = marker.string();
    Child child = spawn_tailor({"install", "--plan", plan.string()}, paused);
    for (int i = 0; i < 300 && !fs::exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(fs::exists(marker));
    ::kill(child.pid, SIGKILL);
    CHECK(child.wait().exit_code == -SIGKILL);

    // The earlier version is intact and usable.
    CHECK(env.run_bin("hello") == "hello 1.0.0\n");
    CHECK(env.state()["installed"]["hello"]["active_version"] == "1.0.0");
    CHECK(fs::exists(env.home / "tools" / "hello-1.0.0" / "bin" / "hello"));

    // The next run cleans up and completes.
    auto r = run_tailor({"install", "--plan", plan.string()}, env.options);
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(env.run_bin("hello") == "hello 2.0.0\n");
    CHECK(fs::is_empty(env.home / "tmp"));
    for (const auto& entry : fs::directory_iterator(env.home / "tools")) {
      CHECK(entry.path().filename().string().front() != '.');
    }
    CHECK(fs::exists(env.home / "tools" / "hello-1.0.0" / "bin" / "hello"));
  }
}

TEST_CASE("install --plan checks the platform") {
  HttpsServer server;
  ToolRelease hello = make_tool_release("hello", "1.0.0");

  SUBCASE("a plan made for another GPU vendor is refused, --force installs it") {
    InstallEnv env(server, "amd");
    ordered_json plan = served_plan(server, hello);
    plan["platform"]["gpu"] = "nvidia";
    auto r = env.install(plan);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("gpu nvidia (this machine: amd)") != std::string::npos);
    CHECK(server.requests().empty());
    CHECK(env.nothing_installed());

    auto forced = env.install(plan, {"--force"});
    INFO(combined(forced));
    CHECK(forced.exit_code == 0);
    CHECK(forced.err.find("--force") != std::string::npos);
  }

  SUBCASE("missing system packages stop before anything happens, with the command to run") {
    InstallEnv env(server);
    ordered_json plan = served_plan(server, hello);
    plan["platform"]["linux_family"] = "debian";
    plan["steps"].insert(plan["steps"].begin(),
                         ordered_json{{"action", "apt_install"},
                                      {"params", {{"packages", {"tailor-test-surely-not-a-package"}}}},
                                      {"evaluable", false},
                                      {"deterministic", false}});
    auto r = env.install(plan);
    INFO(combined(r));
    CHECK(r.exit_code == 8);
    CHECK(r.err.find("apt-get install -y tailor-test-surely-not-a-package") != std::string::npos);
    CHECK(server.requests().empty());
    CHECK(env.nothing_installed());
  }

  SUBCASE("--dry-run prints the steps and installs nothing") {
    InstallEnv env(server);
    auto r = env.install(served_plan(server, hello), {"--dry-run"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("hello@1.0.0\n  - download_file https://127.0.0.1:") == 0);
    CHECK(server.requests().empty());
  }
}

TEST_CASE("verify") {
  HttpsServer server;
  InstallEnv env(server);
  REQUIRE(env.install(served_plan(server, make_tool_release("hello", "1.0.0"))).exit_code == 0);
  CHECK(run_tailor({"verify", "hello"}, env.options).exit_code == 0);
  write_text(env.home / "tools" / "hello-1.0.0" / "bin" / "hello", "#!/bin/sh\necho broken\n");
  auto r = run_tailor({"verify", "hello"}, env.options);
  CHECK(r.exit_code == 7);
  CHECK(r.out.find("hello@1.0.0: failed\n  bin/hello changed since install") == 0);
}
