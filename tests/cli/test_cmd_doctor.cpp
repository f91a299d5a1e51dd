// `tailor doctor` over a home made by real installs: it finds a broken link and a killed
// install's leftover, --fix mends both and says so, --json has its documented shape.
#include <signal.h>

#include <chrono>
#include <thread>

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

using DoctorHome = ServedHome;

// The line of check `name` in doctor's text output.
std::string line_of(const std::string& out, const std::string& name) {
  for (size_t at = 0; at < out.size();) {
    size_t end = out.find('\n', at);
    std::string line = out.substr(at, end - at);
    if (line.size() > 6 && line.substr(6).starts_with(name + ": ")) return line;
    at = end == std::string::npos ? out.size() : end + 1;
  }
  return "";
}

}  // namespace

TEST_CASE("doctor") {
  HttpsServer server;
  DoctorHome env{server};
  REQUIRE(env.tailor({"install", "--plan", env.plan("hello", "1.0.0").string()}).exit_code == 0);
  env.options.env["PATH"] = (env.home / "bin").string() + ":/usr/bin:/bin";

  SUBCASE("a healthy home: every check ok or warn, exit 0") {
    auto r = env.tailor({"doctor"});
    INFO(r.out, r.err);
    CHECK(r.exit_code == 0);
    CHECK(line_of(r.out, "path") == "ok    path: " + (env.home / "bin").string() + " is on PATH");
    CHECK(line_of(r.out, "links") == "ok    links: 1 link in " + (env.home / "bin").string() + ", none broken");
    CHECK(line_of(r.out, "leftovers").starts_with("ok    leftovers: "));
    CHECK(line_of(r.out, "lock") == "ok    lock: the install lock is free; no reservation");
    CHECK(line_of(r.out, "caches").starts_with("ok    caches: "));
    CHECK(line_of(r.out, "config").starts_with("ok    config: "));
    CHECK_FALSE(line_of(r.out, "detection").empty());
    CHECK_FALSE(line_of(r.out, "home").empty());
  }

  SUBCASE("bin/ not on PATH is a warning with the shellenv fix") {
    env.options.env["PATH"] = "/usr/bin:/bin";
    auto r = env.tailor({"doctor"});
    CHECK(r.exit_code == 0);
    CHECK(line_of(r.out, "path").starts_with("warn  path: "));
    CHECK(line_of(r.out, "path").find("eval \"$(tailor shellenv)\"") != std::string::npos);
  }

  SUBCASE("a broken link fails; --fix points it at the active version again") {
    fs::path link = env.home / "bin" / "hello";
    fs::remove(link);
    fs::create_symlink(env.home / "tools" / "hello-0.9.0" / "bin" / "hello", link);
    auto r = env.tailor({"doctor"});
    CHECK(r.exit_code == 1);
    CHECK(line_of(r.out, "links") ==
          "fail  links: " + link.string() + " is broken: it points to " +
              (env.home / "tools" / "hello-0.9.0" / "bin" / "hello").string() +
              ", which does not exist; fix: `tailor doctor --fix` points each link at the active version (or removes "
              "a link no installed tool provides)");
    auto fixed = env.tailor({"doctor", "--fix"});
    INFO(fixed.out, fixed.err);
    CHECK(fixed.exit_code == 0);
    CHECK(fixed.out.find("      fixed: relinked " + link.string() + " -> " +
                         (env.home / "tools" / "hello-1.0.0" / "bin" / "hello").string()) != std::string::npos);
    CHECK(run({link.string()}).out == "hello 1.0.0\n");
    auto again = env.tailor({"doctor"});
    CHECK(again.exit_code == 0);
    CHECK(line_of(again.out, "links").starts_with("ok    links: "));
  }

  SUBCASE("a missing link is made again; a dangling link of no tool is removed") {
    fs::remove(env.home / "bin" / "hello");
    fs::create_symlink(env.home / "tools" / "gone-1.0.0" / "bin" / "gone", env.home / "bin" / "gone");
    CHECK(env.tailor({"doctor"}).exit_code == 1);
    auto fixed = env.tailor({"doctor", "--fix", "--json"});
    CHECK(fixed.exit_code == 0);
    ordered_json json = ordered_json::parse(fixed.out);
    ordered_json links = json["checks"][2];
    CHECK(links["name"] == "links");
    CHECK(links["status"] == "ok");
    REQUIRE(links["fixed"].size() == 2);
    CHECK(links["fixed"][0].get<std::string>().starts_with("removed " + (env.home / "bin" / "gone").string()));
    CHECK(links["fixed"][1].get<std::string>().starts_with("linked " + (env.home / "bin" / "hello").string()));
    CHECK(run({(env.home / "bin" / "hello").string()}).out == "hello 1.0.0\n");
    CHECK_FALSE(fs::exists(fs::symlink_status(env.home / "bin" / "gone")));
  }

  SUBCASE("a link whose installed binary is gone is left for a reinstall") {
    fs::remove(env.home / "tools" / "hello-1.0.0" / "bin" / "hello");
    auto r = env.tailor({"doctor", "--fix"});
    CHECK(r.exit_code == 1);
    CHECK(line_of(r.out, "links")
              .find("the active " + (env.home / "tools" / "hello-1.0.0" / "bin" / "hello").string() +
                    " is missing too (`tailor verify` names the reinstall that restores it)") != std::string::npos);
    CHECK(fs::is_symlink(env.home / "bin" / "hello"));
  }

  SUBCASE("a killed install's leftover is reported; --fix deletes it and says so") {
    RunOptions paused = env.options;
    fs::path marker = env.dir / "paused";
    paused.env["TAILOR_TEST_PAUSE_AT"] = "before_state";
    paused.env["TAILOR_TEST_PAUSE_MARKER"] = marker.string();
    Child child = spawn_tailor({"install", "--plan", env.plan("hello", "2.0.0").string()}, paused);
    for (int i = 0; i < 600 && !fs::exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(fs::exists(marker));
    ::kill(child.pid, SIGKILL);
    CHECK(child.wait().exit_code == -SIGKILL);
    fs::path leftover = env.home / "tools" / "hello-2.0.0";
    REQUIRE(fs::exists(leftover));

    auto r = env.tailor({"doctor"});
    CHECK(r.exit_code == 0);  // a leftover is a warning
    CHECK(line_of(r.out, "leftovers").starts_with("warn  leftovers: 1 thing under "));
    CHECK(line_of(r.out, "leftovers").find(leftover.string() + ": left by a tailor operation that did not finish") !=
          std::string::npos);
    auto fixed = env.tailor({"doctor", "--fix"});
    INFO(fixed.out, fixed.err);
    CHECK(fixed.exit_code == 0);
    CHECK(fixed.out.find("      fixed: removed hello-2.0.0, left by an install that did not finish") !=
          std::string::npos);
    CHECK(line_of(fixed.out, "leftovers").starts_with("ok    leftovers: "));
    CHECK_FALSE(fs::exists(leftover));
    CHECK(run({(env.home / "bin" / "hello").string()}).out == "hello 1.0.0\n");
  }

  SUBCASE("a stale lock holder and an expired reservation are warnings") {
    write_text(env.home / ".lock.holder",
               R"({"pid": 999999, "user": "x", "command": "tailor install y", "started": "2026-01-01T00:00:00Z"})");
    write_text(env.home / "lock-reservation.json",
               R"({"generation": 1, "reservation": {"holder": "ci-1", "reason": "r", "token_sha256": "00", )"
               R"("ttl_seconds": 60, "acquired_ms": 1000, "renewed_ms": 1000, "expires_ms": 61000}})");
    auto r = env.tailor({"doctor"});
    INFO(r.out, r.err);
    CHECK(r.exit_code == 0);
    std::string lock = line_of(r.out, "lock");
    CHECK(lock.starts_with("warn  lock: a stale lock holder file: pid 999999"));
    CHECK(lock.find("an expired reservation: reserved by ci-1") != std::string::npos);
    auto fixed = env.tailor({"doctor", "--fix"});
    CHECK(fixed.out.find("      fixed: replacing a stale lock holder file") != std::string::npos);
    CHECK_FALSE(fs::exists(env.home / ".lock.holder"));
  }

  SUBCASE("--fix repairs nothing while another tailor holds the install lock, and says why") {
    fs::path link = env.home / "bin" / "hello";
    fs::remove(link);
    fs::create_symlink(env.home / "tools" / "hello-0.9.0" / "bin" / "hello", link);
    Child holder = spawn_tailor({"lock", "hold", "--seconds", "30", "--lock-timeout", "0"}, env.options);
    for (int i = 0; i < 600 && !fs::exists(env.home / ".lock.holder"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto r = env.tailor({"doctor", "--fix"});
    ::kill(holder.pid, SIGKILL);
    holder.wait();
    INFO(r.out, r.err);
    CHECK(r.exit_code == 1);
    CHECK(line_of(r.out, "links").find("; fix: not repaired: the install lock") != std::string::npos);
    CHECK(line_of(r.out, "lock")
              .starts_with("ok    lock: the install lock is held by pid " + std::to_string(holder.pid)));
    CHECK(fs::read_symlink(link) == env.home / "tools" / "hello-0.9.0" / "bin" / "hello");
  }

  SUBCASE("config warnings and an invalid config") {
    write_text(env.home / "config.toml", "[fetch]\nparallel = \"many\"\nunknown_key = 1\n");
    auto r = env.tailor({"doctor"});
    CHECK(line_of(r.out, "config").starts_with("warn  config: "));
    write_text(env.home / "config.toml", "[fetch\n");
    auto broken = env.tailor({"doctor"});
    CHECK(broken.exit_code == 1);
    CHECK(line_of(broken.out, "config").starts_with("fail  config: "));
  }

  SUBCASE("--json shape") {
    auto r = env.tailor({"doctor", "--json"});
    CHECK(r.exit_code == 0);
    ordered_json json = ordered_json::parse(r.out);
    CHECK(json["status"].is_string());
    std::vector<std::string> names;
    for (const auto& check : json["checks"]) {
      names.push_back(check["name"]);
      CHECK(check["status"].is_string());
      CHECK(check["message"].is_string());
      CHECK(check["fix"].is_string());
      CHECK(check["details"].is_array());
      CHECK(check["fixed"].is_array());
    }
    CHECK(names ==
          std::vector<std::string>{"path", "home", "links", "leftovers", "lock", "caches", "config", "detection"});
    CHECK(json["summary"]["fail"] == 0);
  }
}

TEST_CASE("doctor: NVIDIA kernel module and user-space driver that differ") {
  fs::path sysroot = fresh_dir("doctor-sysroot");
  fs::copy(testdata("sysfs/nvidia-consumer-intel-igpu"), sysroot,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  write_text(sysroot / "usr/lib/x86_64-linux-gnu/libcuda.so.575.51.02", "");
  RunOptions options;
  options.env = {{"TAILOR_HOME", fresh_dir("doctor-nvidia-home").string()}, {"TAILOR_SYSROOT", sysroot.string()}};
  options.unset_env = {"TAILOR_FACTS", "TAILOR_GPU", "TAILOR_GPU_DRIVER"};
  auto r = run_tailor({"doctor"}, options);
  INFO(r.out, r.err);
  CHECK(r.exit_code == 0);
  std::string detection = line_of(r.out, "detection");
  CHECK(detection.starts_with("warn  detection: linux/amd64/debian, GPU nvidia (driver 570.133.07); "));
  CHECK(detection.find("the NVIDIA kernel module is 570.133.07 (/sys/module/nvidia/version) but the user-space "
                       "driver is 575.51.02 (/usr/lib/x86_64-linux-gnu/libcuda.so.575.51.02)") != std::string::npos);
  auto detect = run_tailor({"detect"}, options);
  CHECK(detect.err.find("user-space driver is 575.51.02") != std::string::npos);
}
