// What killed runs leave behind and what becomes of it (docs/downloads.md, "Partial downloads"
// and "tailor status"): real tailor children killed with SIGKILL mid-download or at a pause
// point, a second tailor running beside a live one, and a cache entry damaged on disk.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>
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
using namespace std::chrono_literals;
using nlohmann::ordered_json;

namespace {

std::vector<fs::path> partial_files(const fs::path& home) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(home / "cache" / "downloads", ec)) {
    if (entry.path().filename().string().starts_with(".download-")) out.push_back(entry.path());
  }
  return out;
}

std::string partial_line(const RunOptions& options) {
  RunResult info = run_tailor({"cache", "info"}, options);
  REQUIRE(info.exit_code == 0);
  auto at = info.out.find("partial downloads:");
  REQUIRE(at != std::string::npos);
  return info.out.substr(at);
}

// hello 1.0.0 served over HTTPS, a fresh TAILOR_HOME and the plan that installs it.
struct ServedHello {
  HttpsServer server;
  ToolRelease hello = make_tool_release("hello", "1.0.0");
  fs::path home = fresh_dir("home");
  fs::path dir = fresh_dir("plans");
  RunOptions options = local_install_env(server, home);
  std::string plan = (dir / "plan.json").string();

  ServedHello() {
    server.add("/" + hello.file_name(), hello.bytes);
    write_text(plan, make_tool_plan(hello, server.url("/" + hello.file_name())).dump(2));
  }
};

}  // namespace

TEST_CASE("partial downloads: a killed download's file goes at the next run, a running one stays") {
  HttpsServer server;
  const std::string big(1024 * 1024, 'b');
  const std::string small(1000, 's');
  server.add("/big.bin", big);
  server.add("/small.bin", small);
  server.script("/big.bin", {Reply::hold()});
  fs::path home = fresh_dir("home");
  RunOptions options = local_install_env(server, home);
  const std::string small_url = server.url("/small.bin") + "#sha256=" + sha256_hex(small);

  Child killed = spawn_tailor({"fetch-urls", server.url("/big.bin") + "#sha256=" + sha256_hex(big)}, options);
  REQUIRE(server.wait_for_held(1, 20s));
  auto half_written = [&] {
    auto files = partial_files(home);
    return files.size() == 1 && fs::file_size(files[0]) == big.size() / 2;
  };
  for (int i = 0; i < 200 && !half_written(); ++i) std::this_thread::sleep_for(50ms);
  REQUIRE(half_written());
  const fs::path partial = partial_files(home).front();
  CHECK(partial_line(options) == "partial downloads: 1 file, 512.0 KiB (1 in progress)\n");

  // A second tailor downloading beside it sweeps the cache and leaves the live file alone.
  RunResult beside = run_tailor({"fetch-urls", small_url}, options);
  CHECK(beside.exit_code == 0);
  CHECK(fs::exists(partial));

  ::kill(killed.pid, SIGKILL);
  CHECK(killed.wait().exit_code == -SIGKILL);
  CHECK(fs::exists(partial));
  CHECK(partial_line(options) == "partial downloads: 1 file, 512.0 KiB\n");
  RunResult json = run_tailor({"cache", "info", "--json"}, options);
  CHECK(nlohmann::json::parse(json.out)["partial_downloads"] ==
        nlohmann::json{{"files", 1}, {"in_progress", 0}, {"size_bytes", big.size() / 2}});

  // The next run removes it, even when all it needs is in the cache already.
  RunResult next = run_tailor({"fetch-urls", small_url}, options);
  CHECK(next.exit_code == 0);
  CHECK_FALSE(fs::exists(partial));
  CHECK(partial_files(home).empty());
  CHECK(partial_line(options) == "partial downloads: 0 files, 0 B\n");
  CHECK(server.request_lines() == std::vector<std::string>{"GET /big.bin", "GET /small.bin"});
  server.release_held();
}

TEST_CASE("cache clear keeps a download that is still running") {
  HttpsServer server;
  const std::string big(256 * 1024, 'c');
  server.add("/big.bin", big);
  server.script("/big.bin", {Reply::hold()});
  fs::path home = fresh_dir("home");
  RunOptions options = local_install_env(server, home);
  Child running = spawn_tailor({"fetch-urls", server.url("/big.bin") + "#sha256=" + sha256_hex(big)}, options);
  REQUIRE(server.wait_for_held(1, 20s));
  for (int i = 0; i < 200 && partial_files(home).empty(); ++i) std::this_thread::sleep_for(50ms);
  REQUIRE(partial_files(home).size() == 1);
  write_text(home / "cache" / "downloads" / ".download-deadbeef", "left by a tailor that is gone");

  RunResult cleared = run_tailor({"cache", "clear", "--downloads"}, options);
  CHECK(cleared.exit_code == 0);
  CHECK(cleared.err.find("(kept 1 partial download(s) still being written)") != std::string::npos);
  CHECK_FALSE(fs::exists(home / "cache" / "downloads" / ".download-deadbeef"));
  server.release_held();
  RunResult finished = running.wait();
  CHECK(finished.exit_code == 0);
  CHECK(partial_files(home).empty());
}

TEST_CASE("install: status.json of a killed install") {
  ServedHello served;
  auto& [server, hello, home, dir, options, plan] = served;

  RunOptions paused = options;
  paused.env["TAILOR_TEST_PAUSE_AT"] = "before_extract";
  paused.env["TAILOR_TEST_PAUSE_MARKER"] = (dir / "paused").string();
  Child child = spawn_tailor({"install", "--plan", plan}, paused);
  for (int i = 0; i < 300 && !fs::exists(dir / "paused"); ++i) std::this_thread::sleep_for(50ms);
  REQUIRE(fs::exists(dir / "paused"));
  REQUIRE(fs::exists(home / "status.json"));
  CHECK(run_tailor({"status"}, options).out.rfind("running: install", 0) == 0);
  ::kill(child.pid, SIGKILL);
  CHECK(child.wait().exit_code == -SIGKILL);
  REQUIRE(fs::exists(home / "status.json"));

  SUBCASE("tailor status reports it once as stale and removes it") {
    RunResult status = run_tailor({"status"}, options);
    CHECK(status.exit_code == 0);
    CHECK(status.out.rfind("stale: install", 0) == 0);
    CHECK(status.out.find("the process is gone; its status file was removed") != std::string::npos);
    CHECK_FALSE(fs::exists(home / "status.json"));
    CHECK(run_tailor({"status"}, options).out.rfind("no operation in progress", 0) == 0);
  }
  SUBCASE("the next install removes it, though it downloads nothing") {
    RunResult again = run_tailor({"install", "--plan", plan}, options);
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(server.requests().size() == 1);
    CHECK_FALSE(fs::exists(home / "status.json"));
  }
}

TEST_CASE("install: a damaged cache entry whose fresh download is wrong too") {
  // The retry itself is tested in test_cmd_install.cpp ("a tampered entry is dropped and downloaded again").
  ServedHello served;
  auto& [server, hello, home, dir, options, plan] = served;
  REQUIRE(run_tailor({"install", "--plan", plan}, options).exit_code == 0);
  REQUIRE(run_tailor({"remove", "hello"}, options).exit_code == 0);

  // One byte changed in place: the entry keeps its size, so only its hash can tell.
  fs::path entry = home / "cache" / "downloads" / (hello.sha256 + ".data");
  REQUIRE(fs::file_size(entry) == hello.bytes.size());
  int fd = ::open(entry.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  const char flipped = static_cast<char>(hello.bytes[100] ^ 0x5a);
  REQUIRE(::pwrite(fd, &flipped, 1, 100) == 1);
  ::close(fd);

  server.script("/" + hello.file_name(), {Reply::corrupt()});
  RunResult again = run_tailor({"install", "--plan", plan}, options);
  CHECK(again.exit_code == 9);
  CHECK(again.err.find("downloading it again") != std::string::npos);
  CHECK(again.err.find("checksum mismatch for " + server.url("/" + hello.file_name()) + ": expected sha256 " +
                       hello.sha256 + ", got ") != std::string::npos);
  CHECK(server.requests().size() == 2);
  CHECK_FALSE(fs::exists(home / "bin" / "hello"));
  CHECK_FALSE(fs::exists(entry));
}
