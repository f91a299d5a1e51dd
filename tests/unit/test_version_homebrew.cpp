// Homebrew formulae and GHCR bottles against a local HTTPS server.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "fetch/download_cache.hpp"
#include "recipe/recipe.hpp"
#include "support/https_server.hpp"
#include "support/scratch.hpp"
#include "version/resolver.hpp"

using namespace tailor;
using tailor::test::HttpsServer;

namespace {

std::string doc(const std::string& name) { return test::read_text(test::testdata("api/" + name)); }

std::string sha256_of(const std::string& bytes) {
  fetch::Sha256 hash;
  hash.update(bytes.data(), bytes.size());
  return hash.hex_digest();
}

version::ResolverOptions options_for(const HttpsServer& server) {
  version::ResolverOptions options;
  options.endpoints.homebrew_api = server.base_url();
  options.endpoints.ghcr = server.base_url();
  options.client.ca_bundle = server.ca_file().string();
  options.client.cache_dir = test::fresh_dir("api-cache");
  return options;
}

nlohmann::json manifest_entry(const std::string& ref, const std::string& digest, bool annotate_digest) {
  nlohmann::json notes = {{"org.opencontainers.image.ref.name", ref}};
  if (annotate_digest) notes["sh.brew.bottle.digest"] = digest;
  return {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
          {"digest", "sha256:" + digest},
          {"annotations", notes}};
}

}  // namespace

TEST_CASE("Resolver::resolve with Homebrew") {
  HttpsServer server;
  server.add_json("/formula/python@3.12.json", doc("homebrew/formula_python.json"));
  server.add_json("/formula/old.json", doc("homebrew/formula_disabled.json"));
  auto resolver = version::make_resolver(options_for(server));
  recipe::Recipe r;
  r.metadata.name = "python";
  r.version.source = "homebrew";
  r.version.formula = "python@3.12";
  SUBCASE("latest is versions.stable") {
    auto got = resolver->resolve(r, "");
    REQUIRE(got);
    CHECK(got->version == "3.12.4");
    CHECK(got->version_tag == "3.12.4");
  }
  SUBCASE("versioned formulae are listed") {
    auto got = resolver->resolve(r, "3.11");
    REQUIRE(got);
    CHECK(got->version == "3.11");
  }
  SUBCASE("a disabled formula fails") {
    r.version.formula = "old";
    auto got = resolver->resolve(r, "");
    REQUIRE_FALSE(got);
    CHECK(got.error().message.find("disabled") != std::string::npos);
  }
}

TEST_CASE("Resolver::homebrew_bottle") {
  HttpsServer server;
  const std::string blob = "pretend bottle tarball bytes";
  const std::string digest = sha256_of(blob);
  const std::string other = sha256_of("another platform");
  server.add_json("/formula/jq.json", doc("homebrew/formula_jq.json"));
  server.add_json("/token", doc("homebrew/ghcr_token.json"));
  nlohmann::json index = {
      {"schemaVersion", 2},
      {"manifests",
       {manifest_entry("1.7.1_1.arm64_sonoma", other, true), manifest_entry("1.7.1_1.x86_64_linux", other, false),
        manifest_entry("1.7.1_1_2.x86_64_linux", digest, true), manifest_entry("1.7.1_1.all", other, true)}}};
  server.add("/v2/homebrew/core/jq/manifests/1.7.1_1", index.dump(), "application/vnd.oci.image.index.v1+json");
  server.add("/v2/homebrew/core/jq/blobs/sha256:" + digest, blob);
  auto resolver = version::make_resolver(options_for(server));

  SUBCASE("revision suffix, highest _N entry, digest verified by download") {
    auto bottle = resolver->homebrew_bottle("jq", "1.7.1", "linux", "amd64");
    REQUIRE(bottle);
    CHECK(bottle->digest == digest);
    CHECK(bottle->size == blob.size());
    CHECK(bottle->url == server.url("/v2/homebrew/core/jq/blobs/sha256:" + digest));
    auto requests = server.requests();
    REQUIRE(requests.size() == 4);
    CHECK(requests[1].path == "/token");
    CHECK(requests[2].header("Authorization") == "Bearer anon-pull-token-123");
    CHECK(requests[2].header("Accept") == "application/vnd.oci.image.index.v1+json");
    CHECK(requests[3].header("Authorization") == "Bearer anon-pull-token-123");
  }
  SUBCASE("no platform entry: the 'all' bottle") {
    server.add("/v2/homebrew/core/jq/blobs/sha256:" + other, "another platform");
    auto bottle = resolver->homebrew_bottle("jq", "1.7.1", "linux", "arm64");
    REQUIRE(bottle);
    CHECK(bottle->digest == other);
  }
  SUBCASE("a blob whose hash differs from the manifest is refused") {
    auto bottle = resolver->homebrew_bottle("jq", "1.7.1", "darwin", "arm64");
    REQUIRE_FALSE(bottle);  // the arm64_sonoma entry points at a blob the server does not have
    server.add("/v2/homebrew/core/jq/blobs/sha256:" + other, "tampered");
    auto tampered = resolver->homebrew_bottle("jq", "1.7.1", "darwin", "arm64");
    REQUIRE_FALSE(tampered);
    CHECK(tampered.error().kind == ErrorKind::checksum);
  }
}
