// GitHub releases, tags and assets against a local HTTPS server replaying testdata/api/github.
#include <doctest/doctest.h>

#include "recipe/recipe.hpp"
#include "support/https_server.hpp"
#include "support/scratch.hpp"
#include "version/resolver.hpp"

using namespace tailor;
using tailor::test::HttpsServer;
using tailor::test::Reply;

namespace {

std::string doc(const std::string& name) { return test::read_text(test::testdata("api/" + name)); }

version::ResolverOptions options_for(const HttpsServer& server) {
  version::ResolverOptions options;
  options.endpoints.github_api = server.base_url();
  options.client.github_api = server.base_url();
  options.client.ca_bundle = server.ca_file().string();
  options.client.cache_dir = test::fresh_dir("api-cache");
  return options;
}

recipe::Recipe github_recipe(const std::string& repo, const std::string& prefix = "") {
  recipe::Recipe r;
  r.metadata.name = "tool";
  r.version.github_repo = repo;
  r.version.tag_prefix = prefix;
  return r;
}

}  // namespace

TEST_CASE("Resolver::resolve with GitHub releases") {
  HttpsServer server;
  auto resolver = version::make_resolver(options_for(server));

  SUBCASE("latest release") {
    server.add_json("/repos/jqlang/jq/releases/latest", doc("github/releases_latest.json"));
    auto got = resolver->resolve(github_recipe("jqlang/jq"), "");
    REQUIRE(got);
    CHECK(got->version == "1.7.1");
    CHECK(got->version_tag == "v1.7.1");
    auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].header("Accept") == "application/vnd.github+json");
    CHECK(requests[0].header("User-Agent").rfind("tailor/", 0) == 0);
  }
  SUBCASE("a release named like a pre-release falls back to the listing without drafts and pre-releases") {
    server.add_json("/repos/o/r/releases/latest", doc("github/releases_latest_rc.json"));
    server.add_json("/repos/o/r/releases", doc("github/releases.json"));
    auto got = resolver->resolve(github_recipe("o/r"), "latest");
    REQUIRE(got);
    CHECK(got->version == "1.9.0");
    CHECK(got->version_tag == "v1.9.0");
  }
  SUBCASE("no releases: tag pages followed through Link headers, unusable names skipped") {
    server.script("/repos/o/r/releases/latest", {Reply::status_code(404, {}, R"({"message":"Not Found"})")});
    std::string next = "<" + server.url("/repos/o/r/tags?per_page=100&page=2") + ">; rel=\"next\"";
    server.script(
        "/repos/o/r/tags",
        {Reply::status_code(200, {{"Content-Type", "application/json"}, {"Link", next}}, doc("github/tags_page1.json")),
         Reply::status_code(200, {{"Content-Type", "application/json"}}, doc("github/tags_page2.json"))});
    auto got = resolver->resolve(github_recipe("o/r"), "");
    REQUIRE(got);
    CHECK(got->version == "1.10.1");
    CHECK(got->version_tag == "v1.10.1");
    CHECK(server.request_lines() ==
          std::vector<std::string>{"GET /repos/o/r/releases/latest", "GET /repos/o/r/tags", "GET /repos/o/r/tags"});
  }
  SUBCASE("a pin compares normalised tags with the dot boundary and keeps the raw tag") {
    server.add_json("/repos/k/k/tags", doc("github/tags_v.json"));
    auto got = resolver->resolve(github_recipe("k/k"), "1.29");
    REQUIRE(got);
    CHECK(got->version == "1.29.3");
    CHECK(got->version_tag == "v1.29.3");
    auto pre = resolver->resolve(github_recipe("k/k"), "1.29.4-rc.1");
    REQUIRE(pre);
    CHECK(pre->version_tag == "v1.29.4-rc.1");
  }
  SUBCASE("an unknown version lists the nearest ones") {
    server.add_json("/repos/k/k/tags", doc("github/tags_v.json"));
    auto got = resolver->resolve(github_recipe("k/k"), "1.31");
    REQUIRE_FALSE(got);
    CHECK(got.error().kind == ErrorKind::version);
    CHECK(got.error().message.find("version 1.31 not found") != std::string::npos);
    CHECK(got.error().message.find("1.30.0") != std::string::npos);
  }
}

TEST_CASE("Resolver::resolve with a tag_prefix") {
  HttpsServer server;
  auto resolver = version::make_resolver(options_for(server));
  SUBCASE("ruby-: other tags ignored, the newest stable wins") {
    server.add_json("/repos/ruby/ruby/tags", doc("github/tags_ruby.json"));
    auto latest = resolver->resolve(github_recipe("ruby/ruby", "ruby-"), "");
    REQUIRE(latest);
    CHECK(latest->version == "3.3.0");
    CHECK(latest->version_tag == "ruby-3.3.0");
    auto pinned = resolver->resolve(github_recipe("ruby/ruby", "ruby-"), "3.2");
    REQUIRE(pinned);
    CHECK(pinned->version_tag == "ruby-3.2.5");
  }
  SUBCASE("jq-: a prefix pin never lands on an rc") {
    server.add_json("/repos/jqlang/jq/tags", doc("github/tags_jq.json"));
    auto pinned = resolver->resolve(github_recipe("jqlang/jq", "jq-"), "1.7");
    REQUIRE(pinned);
    CHECK(pinned->version == "1.7.1");
    CHECK(pinned->version_tag == "jq-1.7.1");
  }
}

TEST_CASE("Resolver::release_assets") {
  HttpsServer server;
  server.add_json("/repos/o/r/releases/tags/v1.9.0", doc("github/release_v1.9.0.json"));
  auto resolver = version::make_resolver(options_for(server));
  auto assets = resolver->release_assets("o/r", "v1.9.0");
  REQUIRE(assets);
  CHECK(*assets ==
        std::vector<std::string>{"tool-1.9.0-linux-amd64.tar.gz", "tool-1.9.0-linux-arm64.tar.gz", "checksums.txt"});
  auto missing = resolver->release_assets("o/r", "v9.9.9");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("release v9.9.9 of o/r not found") != std::string::npos);
}

TEST_CASE("Resolver::tags") {
  HttpsServer server;
  server.add_json("/repos/k/k/tags", doc("github/tags_v.json"));
  auto resolver = version::make_resolver(options_for(server));
  auto tags = resolver->tags("k/k");
  REQUIRE(tags);
  CHECK(*tags == std::vector<std::string>{"v1.290.0", "v1.30.0", "v1.29.4-rc.1", "v1.29.3", "v1.29.1"});
}
