// tailor versions against a local HTTPS server standing in for the GitHub API.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/https_server.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

using namespace tailor;
using tailor::test::HttpsServer;
using tailor::test::Reply;

namespace {

struct Fixture {
  HttpsServer server;
  std::filesystem::path recipes = test::fresh_dir("recipes");
  test::RunOptions options;
  bool stale_cache = false;  // TAILOR_API_CACHE_TTL=0: every cached entry must be revalidated

  Fixture() {
    test::write_text(recipes / "kube.toml", R"([metadata]
name = "kube"

[version]
github_repo = "k/k"

[[steps]]
action = "download"
url = "https://example.org/kube-{version}"

[verify]
command = "kube version"
)");
    options.env = {{"TAILOR_GITHUB_API", server.base_url()}, {"TAILOR_CA_BUNDLE", server.ca_file().string()}};
    options.unset_env = {"GITHUB_TOKEN", "GH_TOKEN"};
  }
  test::RunResult versions(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"versions", "kube", "--registry", recipes.string()};
    for (const auto& arg : extra) args.push_back(arg);
    test::RunOptions run = options;
    if (stale_cache) run.env.emplace("TAILOR_API_CACHE_TTL", "0");
    return test::run_tailor(args, run);
  }
};

const char* k_tags = R"([{"name": "v1.30.0"}, {"name": "v1.31.0-rc.1"}, {"name": "v1.29.3"}])";
const char* k_latest = R"({"tag_name": "v1.30.0"})";

}  // namespace

TEST_CASE("tailor versions") {
  Fixture f;
  SUBCASE("newest first, the pick marked, pre-releases only with --all") {
    f.server.add_json("/repos/k/k/releases/latest", k_latest);
    f.server.add_json("/repos/k/k/tags", k_tags);
    auto plain = f.versions({});
    REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
    CHECK(plain.out ==
          "kube (GitHub releases of k/k), newest first:\n"
          "* 1.30.0  <- install picks this\n"
          "  1.29.3\n");
    auto all = f.versions({"--all", "--json"});
    REQUIRE_MESSAGE(all.exit_code == 0, all.err);
    auto doc = nlohmann::json::parse(all.out);
    CHECK(doc["selected"] == "1.30.0");
    REQUIRE(doc["versions"].size() == 3);
    CHECK(doc["versions"][0]["version"] == "1.31.0-rc.1");
    CHECK(doc["versions"][0]["stable"] == false);
    CHECK(doc["versions"][1]["selected"] == true);
    CHECK(doc["versions"][1]["tag"] == "v1.30.0");
  }
  SUBCASE("a second run with a stale cache makes only conditional requests") {
    f.stale_cache = true;
    f.server.script("/repos/k/k/releases/latest",
                    {Reply::status_code(200, {{"ETag", "\"r1\""}, {"Content-Type", "application/json"}}, k_latest),
                     Reply::status_code(304, {{"ETag", "\"r1\""}})});
    f.server.script("/repos/k/k/tags",
                    {Reply::status_code(200, {{"ETag", "\"t1\""}, {"Content-Type", "application/json"}}, k_tags),
                     Reply::status_code(304, {{"ETag", "\"t1\""}})});
    auto first = f.versions({});
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    f.server.clear_requests();
    auto second = f.versions({});
    REQUIRE_MESSAGE(second.exit_code == 0, second.err);
    CHECK(second.out == first.out);
    auto requests = f.server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].header("If-None-Match") == "\"r1\"");
    CHECK(requests[1].header("If-None-Match") == "\"t1\"");
  }
  SUBCASE("a fresh cache answers without requests; --refresh asks again") {
    f.server.add_json("/repos/k/k/releases/latest", k_latest);
    f.server.add_json("/repos/k/k/tags", k_tags);
    REQUIRE(f.versions({}).exit_code == 0);
    REQUIRE(f.versions({}).exit_code == 0);
    CHECK(f.server.request_lines().size() == 2);
    REQUIRE(f.versions({"--refresh"}).exit_code == 0);
    CHECK(f.server.request_lines().size() == 4);
  }
  SUBCASE("a rate-limit reply fails with the reset time and a token hint") {
    f.server.script("/repos/k/k/releases/latest",
                    {Reply::status_code(403, {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "1767225600"}})});
    f.server.script("/repos/k/k/tags",
                    {Reply::status_code(403, {{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", "1767225600"}})});
    auto got = f.versions({});
    CHECK(got.exit_code == 5);
    CHECK(got.err.find("2026-01-01 00:00:00 UTC") != std::string::npos);
    CHECK(got.err.find("GITHUB_TOKEN") != std::string::npos);
  }
  SUBCASE("an unknown tool") {
    auto got = test::run_tailor({"versions", "no-such-tool", "--registry", f.recipes.string()}, f.options);
    CHECK(got.exit_code == 3);
  }
}
