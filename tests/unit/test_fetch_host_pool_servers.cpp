// The host pool against three real HTTPS servers on 127.0.0.1: mirror-a and mirror-b mirror
// the origin server, which is the last host of the pool (docs/mirrors.md, "Configure a mirror").
#include <doctest/doctest.h>

#include <cstdlib>

#include "fetch/curl_downloader.hpp"
#include "fetch/download_cache.hpp"
#include "support/https_server.hpp"
#include "support/scratch.hpp"

namespace tailor::fetch {
namespace {

using test::HttpsServer;
using test::Reply;
using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

struct ThreeHosts {
  HttpsServer a;
  HttpsServer b;
  HttpsServer origin;
  std::filesystem::path home = test::fresh_dir("home");
  std::vector<FetchRequest> requests;

  explicit ThreeHosts(int artifacts) {
    for (int i = 1; i <= artifacts; ++i) {
      std::string path = "/f" + std::to_string(i) + ".bin";
      std::string bytes(64 * 1024 + static_cast<std::size_t>(i), static_cast<char>('a' + i));
      for (HttpsServer* server : {&a, &b, &origin}) server->add(path, bytes);
      Sha256 hash;
      hash.update(bytes.data(), bytes.size());
      requests.push_back(FetchRequest{origin.url(path), {}, hash.hex_digest(), bytes.size()});
    }
  }

  DownloaderOptions options(Strategy strategy = Strategy::failover, int parallel = 1,
                            const std::string& a_base = "") const {
    DownloaderOptions options;
    options.home = home;
    options.config.ca_bundle = origin.ca_file().string();
    options.config.stall_timeout = 2s;
    options.config.strategy = strategy;
    options.config.parallel = parallel;
    std::string prefix = origin.base_url() + "/";
    options.config.mirrors = {
        Mirror{prefix, (a_base.empty() ? a.base_url() : a_base) + "/", "mirror-a", "MIRROR_A_TOKEN"},
        Mirror{prefix, b.base_url() + "/", "mirror-b", ""}};
    return options;
  }
};

const HostState& host_named(const CurlDownloader& downloader, const std::string& name) {
  for (const auto& host : downloader.hosts()) {
    if (host.name == name) return host;
  }
  FAIL("no host named " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("CurlDownloader::fetch_all with a host pool") {
  SUBCASE("dead first host: refused connections move on, and two in a row eject it") {
    ThreeHosts hosts(3);
    CurlDownloader downloader(hosts.options(Strategy::failover, 1, test::dead_base_url()));
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE(result);
    CHECK(hosts.b.request_lines() == Lines{"GET /f1.bin", "GET /f2.bin", "GET /f3.bin"});
    CHECK(hosts.origin.requests().empty());
    CHECK(host_named(downloader, "mirror-a").ejected);
    CHECK((*result)[0].served_by == hosts.b.url("/f1.bin"));
  }
  SUBCASE("a host that drops connections is tried twice, then ejected for the rest of the run") {
    ThreeHosts hosts(3);
    hosts.a.script("/f1.bin", {Reply::close()});
    hosts.a.script("/f2.bin", {Reply::close()});
    CurlDownloader downloader(hosts.options());
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE(result);
    CHECK(hosts.a.request_lines() == Lines{"GET /f1.bin", "GET /f2.bin"});
    CHECK(hosts.b.request_lines() == Lines{"GET /f1.bin", "GET /f2.bin", "GET /f3.bin"});
    CHECK(host_named(downloader, "mirror-a").ejected);
  }
  SUBCASE("busy first host: the second is used at once and the first is not ejected") {
    ThreeHosts hosts(2);
    hosts.a.script("/f1.bin", {Reply::retry_after(503, "30")});
    CurlDownloader downloader(hosts.options());
    auto start = test::Clock::now();
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE(result);
    CHECK(test::Clock::now() - start < 20s);                 // did not sit out the 30 s Retry-After
    CHECK(hosts.a.request_lines() == Lines{"GET /f1.bin"});  // cooling down: not asked for f2
    CHECK(hosts.b.request_lines() == Lines{"GET /f1.bin", "GET /f2.bin"});
    const HostState& a = host_named(downloader, "mirror-a");
    CHECK_FALSE(a.ejected);
    CHECK(a.cooldown_until > SteadyClock::now() + 20s);
  }
  SUBCASE("all hosts busy: the wait is observed, then the download succeeds") {
    ThreeHosts hosts(1);
    for (HttpsServer* server : {&hosts.a, &hosts.b, &hosts.origin}) {
      server->script("/f1.bin", {Reply::retry_after(503, "1")});
    }
    CurlDownloader downloader(hosts.options());
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE(result);
    CHECK(hosts.a.request_lines() == Lines{"GET /f1.bin", "GET /f1.bin"});
    CHECK(hosts.b.request_lines() == Lines{"GET /f1.bin"});
    CHECK(hosts.origin.request_lines() == Lines{"GET /f1.bin"});
    auto a = hosts.a.requests();
    CHECK(a[1].time - a[0].time >= 950ms);
    for (const auto& host : downloader.hosts()) CHECK_FALSE(host.ejected);
  }
  SUBCASE("404 on one host moves on without ejecting it") {
    ThreeHosts hosts(2);
    hosts.a.script("/f1.bin", {Reply::status_code(404)});
    CurlDownloader downloader(hosts.options());
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE(result);
    CHECK(hosts.a.request_lines() == Lines{"GET /f1.bin", "GET /f2.bin"});
    CHECK(hosts.b.request_lines() == Lines{"GET /f1.bin"});
    CHECK_FALSE(host_named(downloader, "mirror-a").ejected);
  }
  SUBCASE("401 stops at once, naming the host and the token variable; no other host is contacted") {
    ThreeHosts hosts(1);
    ::setenv("MIRROR_A_TOKEN", "s3cret", 1);
    hosts.a.script("/f1.bin", {Reply::status_code(401)});
    CurlDownloader downloader(hosts.options());
    auto result = downloader.fetch_all(hosts.requests);
    ::unsetenv("MIRROR_A_TOKEN");
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == ErrorKind::network);
    CHECK(result.error().message.find("mirror-a") != std::string::npos);
    CHECK(result.error().message.find("MIRROR_A_TOKEN") != std::string::npos);
    CHECK(hosts.a.requests().at(0).header("Authorization") == "Bearer s3cret");
    CHECK(hosts.b.requests().empty());
    CHECK(hosts.origin.requests().empty());
  }
  SUBCASE("the bearer token goes only to its own mirror") {
    ThreeHosts hosts(1);
    ::setenv("MIRROR_A_TOKEN", "s3cret", 1);
    hosts.a.script("/f1.bin", {Reply::status_code(404)});
    CurlDownloader downloader(hosts.options());
    auto result = downloader.fetch_all(hosts.requests);
    ::unsetenv("MIRROR_A_TOKEN");
    REQUIRE(result);
    CHECK(hosts.a.requests().at(0).header("Authorization") == "Bearer s3cret");
    CHECK(hosts.b.requests().at(0).header("Authorization").empty());
  }
  SUBCASE("corrupt bytes on one host: the next host is used and the host flagged") {
    ThreeHosts hosts(1);
    hosts.a.script("/f1.bin", {Reply::corrupt()});
    CurlDownloader downloader(hosts.options());
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE(result);
    CHECK(hosts.a.request_lines() == Lines{"GET /f1.bin"});
    CHECK(hosts.b.request_lines() == Lines{"GET /f1.bin"});
    CHECK(host_named(downloader, "mirror-a").flagged);
    CHECK_FALSE(host_named(downloader, "mirror-b").flagged);
    CHECK(test::read_text((*result)[0].path).size() == hosts.requests[0].expected_size);
  }
  SUBCASE("round-robin spreads 6 artifacts over 3 hosts") {
    ThreeHosts hosts(6);
    CurlDownloader downloader(hosts.options(Strategy::round_robin));
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE(result);
    CHECK(hosts.a.request_lines() == Lines{"GET /f1.bin", "GET /f4.bin"});
    CHECK(hosts.b.request_lines() == Lines{"GET /f2.bin", "GET /f5.bin"});
    CHECK(hosts.origin.request_lines() == Lines{"GET /f3.bin", "GET /f6.bin"});
  }
  SUBCASE("least-busy with parallel = 3 puts one download on each host") {
    ThreeHosts hosts(3);
    for (HttpsServer* server : {&hosts.a, &hosts.b, &hosts.origin}) {
      for (const char* path : {"/f1.bin", "/f2.bin", "/f3.bin"}) server->script(path, {Reply::slow(600ms)});
    }
    // One-at-a-time would find every host idle and always pick mirror-a.
    CurlDownloader downloader(hosts.options(Strategy::least_busy, 3));
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE(result);
    CHECK(hosts.a.request_lines() == Lines{"GET /f1.bin"});
    CHECK(hosts.b.request_lines() == Lines{"GET /f2.bin"});
    CHECK(hosts.origin.request_lines() == Lines{"GET /f3.bin"});
  }
  SUBCASE("failover with parallel = 3 keeps every download on the first host") {
    ThreeHosts hosts(3);
    CurlDownloader downloader(hosts.options(Strategy::failover, 3));
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE(result);
    CHECK(hosts.a.requests().size() == 3);
    CHECK(hosts.b.requests().empty());
  }
  SUBCASE("every host failing reports each URL and what happened") {
    ThreeHosts hosts(1);
    for (HttpsServer* server : {&hosts.a, &hosts.b, &hosts.origin}) {
      server->script("/f1.bin", {Reply::status_code(404)});
    }
    CurlDownloader downloader(hosts.options());
    auto result = downloader.fetch_all(hosts.requests);
    REQUIRE_FALSE(result);
    for (HttpsServer* server : {&hosts.a, &hosts.b, &hosts.origin}) {
      CHECK(result.error().message.find(server->url("/f1.bin") + ": HTTP 404") != std::string::npos);
    }
  }
}

}  // namespace tailor::fetch
