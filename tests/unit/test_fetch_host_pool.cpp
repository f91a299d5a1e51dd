// Host selection without a network: the clock is passed in.
#include <doctest/doctest.h>

#include "fetch/host_pool.hpp"

namespace tailor::fetch {
namespace {

using namespace std::chrono_literals;

std::vector<Mirror> two_mirrors() {
  return {Mirror{"https://github.com/", "https://a.internal/gh/", "mirror-a", "A_TOKEN"},
          Mirror{"https://github.com/", "https://b.internal/gh/", "mirror-b", ""}};
}

const std::string k_url = "https://github.com/o/r/releases/download/v1/t.tar.gz";

}  // namespace

TEST_CASE("HostPool::candidates") {
  HostPool pool(two_mirrors(), Strategy::failover);
  SUBCASE("matching mirrors first, the original URL last, then fallbacks") {
    auto candidates = pool.candidates(FetchRequest{k_url, {"https://other.example/t.tar.gz"}, "", 0});
    REQUIRE(candidates.size() == 4);
    CHECK(candidates[0].url == "https://a.internal/gh/o/r/releases/download/v1/t.tar.gz");
    CHECK(candidates[1].url == "https://b.internal/gh/o/r/releases/download/v1/t.tar.gz");
    CHECK(candidates[2].url == k_url);
    CHECK(candidates[3].url == "https://other.example/t.tar.gz");
    CHECK(pool.host(candidates[0].host).name == "mirror-a");
    CHECK(pool.host(candidates[0].host).token_env == "A_TOKEN");
    CHECK(pool.host(candidates[2].host).name == "https://github.com");
  }
  SUBCASE("URLs outside every prefix have only themselves") {
    auto candidates = pool.candidates(FetchRequest{"https://example.org/x", {}, "", 0});
    REQUIRE(candidates.size() == 1);
    CHECK(pool.host(candidates[0].host).name == "https://example.org");
  }
}

TEST_CASE("HostPool::candidates with mirrors.only") {
  HostPool pool(two_mirrors(), Strategy::failover, true);
  SUBCASE("the mirrors serve, the original URL and the fallbacks never") {
    auto candidates = pool.candidates(FetchRequest{k_url, {"https://other.example/t.tar.gz"}, "", 0});
    REQUIRE(candidates.size() == 2);
    CHECK(pool.host(candidates[0].host).name == "mirror-a");
    CHECK(pool.host(candidates[1].host).name == "mirror-b");
  }
  SUBCASE("a URL no mirror serves has no candidate at all") {
    CHECK(pool.candidates(FetchRequest{"https://example.org/x", {}, "", 0}).empty());
  }
}

TEST_CASE("HostPool::choose") {
  auto now = SteadyClock::now();
  FetchRequest request{k_url, {}, "", 0};

  SUBCASE("failover takes hosts in order and skips excluded and ejected ones") {
    HostPool pool(two_mirrors(), Strategy::failover);
    auto candidates = pool.candidates(request);
    ArtifactAttempts attempts;
    CHECK(pool.choose(candidates, attempts, now).candidate == 0u);
    attempts.excluded[0] = true;
    CHECK(pool.choose(candidates, attempts, now).candidate == 1u);
    pool.record_down(candidates[1].host);
    CHECK_FALSE(pool.host(candidates[1].host).ejected);
    CHECK(pool.record_down(candidates[1].host));
    CHECK(pool.choose(candidates, attempts, now).candidate == 2u);
    attempts.excluded[2] = true;
    Choice none = pool.choose(candidates, attempts, now);
    CHECK_FALSE(none.candidate);
    CHECK_FALSE(none.wait);
  }
  SUBCASE("a success resets the consecutive failure count") {
    HostPool pool(two_mirrors(), Strategy::failover);
    pool.record_down(0);
    pool.record_success(0);
    CHECK_FALSE(pool.record_down(0));
  }
  SUBCASE("busy hosts are skipped until their cooldown ends; all busy means wait") {
    HostPool pool(two_mirrors(), Strategy::failover);
    auto candidates = pool.candidates(request);
    ArtifactAttempts attempts;
    pool.record_busy(candidates[0].host, now + 5s);
    CHECK(pool.choose(candidates, attempts, now).candidate == 1u);
    pool.record_busy(candidates[1].host, now + 3s);
    pool.record_busy(candidates[2].host, now + 4s);
    Choice wait = pool.choose(candidates, attempts, now);
    CHECK_FALSE(wait.candidate);
    CHECK(wait.wait == now + 3s);
    CHECK(pool.choose(candidates, attempts, now + 3s).candidate == 1u);
    CHECK_FALSE(pool.host(candidates[0].host).ejected);
  }
  SUBCASE("after a failure another host goes first; alone, the failed one waits its backoff") {
    HostPool pool(two_mirrors(), Strategy::failover);
    auto candidates = pool.candidates(request);
    ArtifactAttempts attempts;
    attempts.last_failed = 0;
    attempts.retry_not_before = now + 1s;
    CHECK(pool.choose(candidates, attempts, now).candidate == 1u);
    attempts.excluded = {false, true, true};
    CHECK(pool.choose(candidates, attempts, now).wait == now + 1s);
  }
  SUBCASE("round-robin starts successive artifacts at successive hosts") {
    HostPool pool(two_mirrors(), Strategy::round_robin);
    auto candidates = pool.candidates(request);
    std::vector<std::size_t> picks;
    for (int i = 0; i < 6; ++i) {
      ArtifactAttempts attempts;
      picks.push_back(*pool.choose(candidates, attempts, now).candidate);
    }
    CHECK(picks == std::vector<std::size_t>{0, 1, 2, 0, 1, 2});
  }
  SUBCASE("least-busy picks the host with the fewest downloads in flight, ties in order") {
    HostPool pool(two_mirrors(), Strategy::least_busy);
    auto candidates = pool.candidates(request);
    ArtifactAttempts first;
    CHECK(pool.choose(candidates, first, now).candidate == 0u);
    pool.started(candidates[0].host);
    ArtifactAttempts second;
    CHECK(pool.choose(candidates, second, now).candidate == 1u);
    pool.started(candidates[1].host);
    pool.started(candidates[1].host);
    ArtifactAttempts third;
    CHECK(pool.choose(candidates, third, now).candidate == 2u);
    pool.finished(candidates[0].host);
    ArtifactAttempts fourth;
    CHECK(pool.choose(candidates, fourth, now).candidate == 0u);
  }
}

}  // namespace tailor::fetch
