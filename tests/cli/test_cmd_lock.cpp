#include <doctest/doctest.h>

#include <sys/wait.h>
#include <csignal>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "coord/lock.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

using namespace tailor;
using namespace tailor::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

RunOptions in_home(const fs::path& home) {
  RunOptions options;
  options.env["TAILOR_HOME"] = home.string();
  options.unset_env = {"CI", "TAILOR_LOCK_TOKEN"};
  return options;
}

// Polls until `done` holds or `limit` passes.
template <typename Pred>
bool eventually(Pred done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

bool holder_is(const fs::path& home, pid_t pid) {
  auto holder = coord::read_lock_holder(home);
  return holder && holder->pid == pid;
}

}  // namespace

TEST_CASE("tailor lock hold") {
  fs::path home = fresh_dir("hold-home");
  auto options = in_home(home);

  SUBCASE("a second mutating command reports the holder, waits, and proceeds after the first ends") {
    Child first = spawn_tailor({"lock", "hold", "--seconds", "1.5", "--lock-timeout", "0"}, options);
    REQUIRE(eventually([&] { return holder_is(home, first.pid); }));
    auto start = std::chrono::steady_clock::now();
    auto second = run_tailor({"lock", "hold", "--seconds", "0", "--lock-timeout", "30"}, options);
    auto waited = std::chrono::steady_clock::now() - start;
    auto first_result = first.wait();
    CHECK(first_result.exit_code == 0);
    CHECK(second.exit_code == 0);
    CHECK(second.err.find("waiting for another tailor process (pid " + std::to_string(first.pid)) != std::string::npos);
    CHECK(second.err.find("lock hold --seconds 1.5") != std::string::npos);
    CHECK(waited >= 500ms);
  }
  SUBCASE("the second exits 75 at its timeout, naming the holder") {
    Child first = spawn_tailor({"lock", "hold", "--seconds", "20", "--lock-timeout", "0"}, options);
    REQUIRE(eventually([&] { return holder_is(home, first.pid); }));
    auto second = run_tailor({"lock", "hold", "--seconds", "0", "--lock-timeout", "1"}, options);
    ::kill(first.pid, SIGKILL);
    first.wait();
    CHECK(second.exit_code == 75);
    CHECK(second.err.find("is held by pid " + std::to_string(first.pid)) != std::string::npos);
    CHECK(second.err.find("gave up after 1s") != std::string::npos);
  }
  SUBCASE("CI set: no waiting by default") {
    Child first = spawn_tailor({"lock", "hold", "--seconds", "20", "--lock-timeout", "0"}, options);
    REQUIRE(eventually([&] { return holder_is(home, first.pid); }));
    RunOptions ci = options;
    ci.env["CI"] = "true";
    auto start = std::chrono::steady_clock::now();
    auto second = run_tailor({"lock", "hold", "--seconds", "0"}, ci);
    auto took = std::chrono::steady_clock::now() - start;
    ::kill(first.pid, SIGKILL);
    first.wait();
    CHECK(second.exit_code == 75);
    CHECK(second.err.find("not waiting") != std::string::npos);
    CHECK(took < 5s);
  }
  SUBCASE("SIGKILL of the holder frees the lock for the waiter at once") {
    Child first = spawn_tailor({"lock", "hold", "--seconds", "60", "--lock-timeout", "0"}, options);
    REQUIRE(eventually([&] { return holder_is(home, first.pid); }));
    Child waiter = spawn_tailor({"lock", "hold", "--seconds", "0.5", "--lock-timeout", "60"}, options);
    REQUIRE(eventually([&] { return read_text(waiter.err_path).find("waiting for") != std::string::npos; }));
    auto killed_at = std::chrono::steady_clock::now();
    ::kill(first.pid, SIGKILL);
    REQUIRE(eventually([&] { return holder_is(home, waiter.pid); }));
    auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at);
    MESSAGE("waiter took the lock " << latency.count() << " ms after SIGKILL of the holder");
    first.wait();
    auto result = waiter.wait();
    CHECK(result.exit_code == 0);
    CHECK(latency < 1000ms);
    CHECK(result.err.find("replacing a stale lock holder file") != std::string::npos);
  }
  SUBCASE("a stale holder file is reported by status and replaced") {
    write_text(home / ".lock.holder",
               R"({"pid": 999999, "user": "ghost", "command": "tailor install x", "started": "s"})");
    auto status = run_tailor({"lock", "status"}, options);
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("install lock: free (stale holder file of pid 999999") != std::string::npos);
    auto held = run_tailor({"lock", "hold", "--seconds", "0"}, options);
    CHECK(held.exit_code == 0);
    CHECK(held.err.find("replacing a stale lock holder file") != std::string::npos);
    CHECK_FALSE(fs::exists(home / ".lock.holder"));
  }
  SUBCASE("eight concurrent holders appending to one JSON file lose nothing") {
    fs::path shared = fresh_dir("shared") / "list.json";
    write_text(shared, "[]");
    // Read, pause, write: without the lock the pause makes updates overwrite each other.
    const std::string script =
        "c=$(cat \"$F\"); sleep 0.05; c=${c%]}; "
        "if [ \"$c\" = \"[\" ]; then s=''; else s=','; fi; "
        "printf '%s%s\"%s\"]' \"$c\" \"$s\" \"$ID\" > \"$F.tmp\" && mv \"$F.tmp\" \"$F\"";
    std::vector<Child> children;
    for (int i = 0; i < 8; ++i) {
      RunOptions child_options = options;
      child_options.env["F"] = shared.string();
      child_options.env["ID"] = "holder-" + std::to_string(i);
      children.push_back(
          spawn_tailor({"lock", "hold", "--lock-timeout", "60", "--", "/bin/sh", "-c", script}, child_options));
    }
    for (auto& child : children) CHECK(child.wait().exit_code == 0);
    auto list = nlohmann::json::parse(read_text(shared));
    REQUIRE(list.size() == 8);
    std::set<std::string> ids;
    for (const auto& id : list) ids.insert(id.get<std::string>());
    CHECK(ids.size() == 8);
  }
  SUBCASE("the command's exit code passes through") {
    auto result = run_tailor({"lock", "hold", "--", "/bin/sh", "-c", "exit 7"}, options);
    CHECK(result.exit_code == 7);
  }
}

TEST_CASE("tailor lock acquire") {
  fs::path home = fresh_dir("reserve-home");
  auto options = in_home(home);
  auto acquired =
      run_tailor({"lock", "acquire", "--holder", "ci-42", "--ttl", "600", "--reason", "bench run"}, options);
  REQUIRE(acquired.exit_code == 0);
  const std::string token = acquired.out.substr(0, acquired.out.find('\n'));
  REQUIRE(token.size() >= 32 + 2);  // >= 128 bits in hex, plus the generation

  SUBCASE("status shows holder, expiry and generation but never the token") {
    auto status = run_tailor({"lock", "status", "--json"}, options);
    REQUIRE(status.exit_code == 0);
    auto json = nlohmann::json::parse(status.out);
    CHECK(json["reservation"]["holder"] == "ci-42");
    CHECK(json["reservation"]["reason"] == "bench run");
    CHECK(json["generation"] == 1);
    CHECK(json["install_lock"]["held"] == false);
    CHECK(status.out.find(token.substr(2, 16)) == std::string::npos);
    CHECK(read_text(home / "lock-reservation.json").find(token.substr(2, 16)) == std::string::npos);
  }
  SUBCASE("mutating without the token: 75 with holder and expiry; with it: proceeds") {
    auto refused = run_tailor({"lock", "hold"}, options);
    CHECK(refused.exit_code == 75);
    CHECK(refused.err.find("reserved by ci-42 until 20") != std::string::npos);
    CHECK(refused.err.find("(bench run)") != std::string::npos);
    CHECK(run_tailor({"lock", "hold", "--lock-token", token}, options).exit_code == 0);
    RunOptions with_env = options;
    with_env.env["TAILOR_LOCK_TOKEN"] = token;
    with_env.unset_env = {"CI"};
    CHECK(run_tailor({"lock", "hold"}, with_env).exit_code == 0);
  }
  SUBCASE("a second holder cannot acquire while reserved") {
    auto second = run_tailor({"lock", "acquire", "--holder", "ci-43", "--ttl", "60"}, options);
    CHECK(second.exit_code == 75);
    CHECK(second.err.find("reserved by ci-42 until") != std::string::npos);
  }
  SUBCASE("renew extends the expiry") {
    auto before = nlohmann::json::parse(run_tailor({"lock", "status", "--json"}, options).out);
    auto renewed = run_tailor({"lock", "renew", "--token", token, "--ttl", "7200"}, options);
    CHECK(renewed.exit_code == 0);
    auto after = nlohmann::json::parse(run_tailor({"lock", "status", "--json"}, options).out);
    CHECK(after["reservation"]["expires"].get<std::string>() > before["reservation"]["expires"].get<std::string>());
    CHECK(after["reservation"]["ttl_seconds"] == 7200);
  }
  SUBCASE("force release bumps the generation, audits, and refuses the old token") {
    auto forced = run_tailor({"lock", "release", "--force", "--reason", "job hung"}, options);
    CHECK(forced.exit_code == 0);
    auto audit = nlohmann::json::parse(read_text(home / "lock-audit.log"));
    CHECK(audit["holder"] == "ci-42");
    CHECK(audit["reason"] == "job hung");
    CHECK(nlohmann::json::parse(run_tailor({"lock", "status", "--json"}, options).out)["generation"] == 2);
    auto old = run_tailor({"lock", "hold", "--lock-token", token}, options);
    CHECK(old.exit_code == 75);
    CHECK(old.err.find("generation 1") != std::string::npos);
    CHECK(run_tailor({"lock", "release", "--token", token}, options).exit_code == 75);
    CHECK(run_tailor({"lock", "hold"}, options).exit_code == 0);
    CHECK(run_tailor({"lock", "release", "--force"}, options).exit_code == 2);
  }
  SUBCASE("release with the token frees the root") {
    CHECK(run_tailor({"lock", "release", "--token", token}, options).exit_code == 0);
    CHECK(run_tailor({"lock", "hold"}, options).exit_code == 0);
  }
}

TEST_CASE("tailor lock acquire ttl") {
  fs::path home = fresh_dir("ttl-home");
  auto options = in_home(home);
  for (const char* ttl : {"0", "-5", "86401"}) {
    auto refused = run_tailor({"lock", "acquire", "--holder", "ci", "--ttl", ttl}, options);
    CHECK(refused.exit_code == 2);
  }
  SUBCASE("an expired reservation is free") {
    REQUIRE(run_tailor({"lock", "acquire", "--holder", "ci", "--ttl", "1"}, options).exit_code == 0);
    CHECK(run_tailor({"lock", "hold"}, options).exit_code == 75);
    std::this_thread::sleep_for(1100ms);
    CHECK(run_tailor({"lock", "hold"}, options).exit_code == 0);
    CHECK(run_tailor({"lock", "status"}, options).out.find("reservation: none") != std::string::npos);
  }
}
