// The API client: cache, conditional requests, rate limits, credentials.
#include <doctest/doctest.h>

#include "support/https_server.hpp"
#include "support/scratch.hpp"
#include "version/api_client.hpp"

using namespace tailor;
using tailor::test::HttpsServer;
using tailor::test::Reply;

namespace {

version::ApiClientOptions options_for(const HttpsServer& server) {
  version::ApiClientOptions options;
  options.ca_bundle = server.ca_file().string();
  options.cache_dir = test::fresh_dir("api-cache");
  options.github_api = server.base_url();
  return options;
}

}  // namespace

TEST_CASE("ApiClient::get") {
  HttpsServer server;
  auto options = options_for(server);
  const std::string body = R"({"tag_name":"v1.0.0"})";

  SUBCASE("a fresh cache entry answers without a request") {
    server.add_json("/doc", body);
    version::ApiClient client(options);
    REQUIRE(client.get({server.url("/doc")}).value().body == body);
    auto again = client.get({server.url("/doc")});
    REQUIRE(again);
    CHECK(again->from_cache);
    CHECK(server.request_lines().size() == 1);
    CHECK((std::filesystem::status(options.cache_dir).permissions() & std::filesystem::perms::all) ==
          std::filesystem::perms::owner_all);
  }
  SUBCASE("a stale entry is revalidated with If-None-Match and a 304 reuses the body") {
    options.cache_ttl = std::chrono::seconds(0);
    server.script("/doc", {Reply::status_code(
                               200, {{"ETag", "\"abc\""}, {"Last-Modified", "Sun, 01 Jan 2026 00:00:00 GMT"}}, body),
                           Reply::status_code(304, {{"ETag", "\"abc\""}})});
    version::ApiClient client(options);
    REQUIRE(client.get({server.url("/doc")}));
    auto second = client.get({server.url("/doc")});
    REQUIRE(second);
    CHECK(second->status == 200);
    CHECK(second->body == body);
    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].header("If-None-Match").empty());
    CHECK(requests[1].header("If-None-Match") == "\"abc\"");
    CHECK(requests[1].header("If-Modified-Since") == "Sun, 01 Jan 2026 00:00:00 GMT");
  }
  SUBCASE("refresh ignores the cache") {
    server.add_json("/doc", body);
    version::ApiClient(options).get({server.url("/doc")}).value();
    options.refresh = true;
    version::ApiClient(options).get({server.url("/doc")}).value();
    auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].header("If-None-Match").empty());
  }
  SUBCASE("a rate-limit reply names the reset time and suggests GITHUB_TOKEN") {
    server.script("/doc",
                  {Reply::status_code(403, {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "1767225600"}},
                                      R"({"message":"API rate limit exceeded"})")});
    auto got = version::ApiClient(options).get({server.url("/doc")});
    REQUIRE_FALSE(got);
    CHECK(got.error().kind == ErrorKind::network);
    CHECK(got.error().message.find("rate limit") != std::string::npos);
    CHECK(got.error().message.find("2026-01-01 00:00:00 UTC") != std::string::npos);
    CHECK(got.error().message.find("GITHUB_TOKEN") != std::string::npos);
  }
  SUBCASE("the GitHub token goes only to the GitHub API origin") {
    HttpsServer other;
    other.add_json("/doc", body);
    server.add_json("/doc", body);
    options.github_token = "secret-token";
    version::ApiClient client(options);
    REQUIRE(client.get({server.url("/doc")}));
    REQUIRE(client.get({other.url("/doc"), "application/json", {}, version::k_mib, false}));
    CHECK(server.requests().at(0).header("Authorization") == "Bearer secret-token");
    CHECK(other.requests().at(0).header("Authorization").empty());
  }
  SUBCASE("bodies over the cap are refused") {
    server.add_json("/doc", std::string(2000, ' ') + body);
    version::ApiRequest request{server.url("/doc")};
    request.max_bytes = 1000;
    auto got = version::ApiClient(options).get(request);
    REQUIRE_FALSE(got);
    CHECK(got.error().message.find("larger than 1000 bytes") != std::string::npos);
  }
  SUBCASE("plain http is refused") {
    HttpsServer plain(HttpsServer::Transport::plain);
    auto got = version::ApiClient(options).get({plain.url("/doc")});
    REQUIRE_FALSE(got);
    CHECK(plain.request_lines().empty());
  }
  SUBCASE("redirects into the local network are refused") {
    server.script("/doc", {Reply::redirect(server.url("/elsewhere"))});
    auto got = version::ApiClient(options).get({server.url("/doc")});
    REQUIRE_FALSE(got);
    CHECK(got.error().message.find("local or private address") != std::string::npos);
  }
}
