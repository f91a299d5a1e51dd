// The API client offline: cached answers of any age, counted; a URL without one fails.
#include <doctest/doctest.h>

#include "support/https_server.hpp"
#include "support/scratch.hpp"
#include "version/api_client.hpp"

using namespace tailor;
using tailor::test::HttpsServer;

TEST_CASE("ApiClient offline answers from the cache only") {
  HttpsServer server;
  version::ApiClientOptions options;
  options.ca_bundle = server.ca_file().string();
  options.cache_dir = test::fresh_dir("api-cache");
  options.github_api = server.base_url();
  options.cache_ttl = std::chrono::seconds(0);  // every entry is stale at once
  const std::string body = R"({"tag_name":"v1.0.0"})";
  server.add_json("/doc", body);
  REQUIRE(version::ApiClient(options).get({server.url("/doc")}));
  server.clear_requests();

  options.offline = true;
  options.offline_answers = std::make_shared<version::OfflineAnswers>();
  version::ApiClient client(options);
  auto cached = client.get({server.url("/doc")});
  REQUIRE(cached);
  CHECK(cached->from_cache);
  CHECK(cached->body == body);
  CHECK(options.offline_answers->count == 1);
  CHECK(options.offline_answers->oldest_fetched_at > 0);

  auto missing = client.get({server.url("/other")});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::network);
  CHECK(missing.error().message.find("no cached answer") != std::string::npos);
  CHECK(server.request_lines().empty());
  CHECK(options.offline_answers->count == 1);
}
