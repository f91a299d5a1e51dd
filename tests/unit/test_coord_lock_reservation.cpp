#include <doctest/doctest.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "coord/reservation.hpp"
#include "support/scratch.hpp"

using namespace tailor;
using namespace tailor::coord;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

LockCommand command_for(const fs::path& home) {
  LockCommand command;
  command.lock.home = home;
  command.lock.timeout = 0ms;
  return command;
}

}  // namespace

TEST_CASE("reserve_install_root") {
  fs::path home = test::fresh_dir("reserve-home");
  LockCommand acquire = command_for(home);
  acquire.holder = "ci-42";
  acquire.reason = "benchmarks";
  acquire.ttl_seconds = 600;
  auto first = reserve_install_root(acquire);
  REQUIRE(first);

  SUBCASE("the token is long, random, shown once and stored only as a hash") {
    CHECK(first->token.starts_with("1-"));
    CHECK(first->token.size() == 2 + 64);
    std::string stored = test::read_text(home / "lock-reservation.json");
    CHECK(stored.find(first->token.substr(2)) == std::string::npos);
    auto json = nlohmann::json::parse(stored);
    CHECK(json["generation"] == 1);
    CHECK(json["reservation"]["holder"] == "ci-42");
    CHECK(json["reservation"]["token_sha256"].get<std::string>().size() == 64);
  }
  SUBCASE("mutating commands need the token") {
    auto without = check_reservation(home, "");
    REQUIRE_FALSE(without);
    CHECK(without.error().kind == ErrorKind::lock_busy);
    CHECK(without.error().message.starts_with("reserved by ci-42 until "));
    CHECK(without.error().message.find("(benchmarks)") != std::string::npos);
    CHECK(check_reservation(home, first->token));
    std::string wrong = first->token;
    wrong.back() = wrong.back() == '0' ? '1' : '0';
    CHECK(check_reservation(home, wrong).error().kind == ErrorKind::lock_busy);
    CHECK(check_reservation(home, "garbage").error().kind == ErrorKind::usage);
  }
  SUBCASE("a second acquire while reserved is refused") {
    LockCommand other = acquire;
    other.holder = "ci-43";
    auto second = reserve_install_root(other);
    REQUIRE_FALSE(second);
    CHECK(second.error().kind == ErrorKind::lock_busy);
    CHECK(second.error().message.find("reserved by ci-42") != std::string::npos);
  }
  SUBCASE("renew extends the expiry, optionally with a new TTL") {
    LockCommand renew = command_for(home);
    renew.token = first->token;
    renew.ttl_seconds = 3600;
    auto renewed = renew_reservation(renew);
    REQUIRE(renewed);
    CHECK(renewed->expires_ms > first->reservation.expires_ms + 2000 * 1000);
    CHECK(renewed->ttl_seconds == 3600);
  }
  SUBCASE("release with the token frees the root; the generation stays") {
    LockCommand release = command_for(home);
    release.token = first->token;
    CHECK(release_reservation(release) == true);
    CHECK(check_reservation(home, ""));
    CHECK(read_reservation(home)->generation == 1);
  }
  SUBCASE("force release bumps the generation, audits, and fences the old token") {
    LockCommand force = command_for(home);
    force.reason = "job hung";
    CHECK(force_release_reservation(force) == 2);
    auto audit = nlohmann::json::parse(test::read_text(home / "lock-audit.log"));
    CHECK(audit["action"] == "force-release");
    CHECK(audit["holder"] == "ci-42");
    CHECK(audit["reason"] == "job hung");
    CHECK(audit["generation"] == 1);
    CHECK(audit["new_generation"] == 2);
    CHECK_FALSE(audit["by"].get<std::string>().empty());
    auto old = check_reservation(home, first->token);
    REQUIRE_FALSE(old);
    CHECK(old.error().kind == ErrorKind::lock_busy);
    CHECK(old.error().message.find("generation 1") != std::string::npos);
    LockCommand renew = command_for(home);
    renew.token = first->token;
    CHECK(renew_reservation(renew).error().kind == ErrorKind::lock_busy);
    CHECK(check_reservation(home, ""));
  }
  SUBCASE("force release needs a reason") {
    CHECK(force_release_reservation(command_for(home)).error().kind == ErrorKind::usage);
  }
}

TEST_CASE("reserve_install_root ttl") {
  fs::path home = test::fresh_dir("ttl-home");
  LockCommand acquire = command_for(home);
  acquire.holder = "ci";
  for (int64_t ttl : {0, -5, 24 * 3600 + 1}) {
    acquire.ttl_seconds = ttl;
    auto refused = reserve_install_root(acquire);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::usage);
  }
  SUBCASE("an expired reservation is free") {
    acquire.ttl_seconds = 1;
    auto first = reserve_install_root(acquire);
    REQUIRE(first);
    CHECK_FALSE(check_reservation(home, ""));
    std::this_thread::sleep_for(1100ms);
    CHECK(check_reservation(home, ""));
    LockCommand other = acquire;
    other.holder = "ci-2";
    auto second = reserve_install_root(other);
    REQUIRE(second);
    CHECK(second->generation == 2);
  }
}
