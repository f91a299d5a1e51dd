// The github_archive and homebrew composites planned end to end with the real resolver against
// a local HTTPS server (the downloader is a fake: only its checksum answers are needed).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "fetch/download_cache.hpp"
#include "plan/planner.hpp"
#include "support/https_server.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"
#include "support/targets.hpp"
#include "version/resolver.hpp"

using namespace tailor;
using tailor::test::HttpsServer;

namespace {

std::string doc(const std::string& name) { return test::read_text(test::testdata("api/" + name)); }

struct Fixture {
  HttpsServer server;
  std::filesystem::path recipes = test::fresh_dir("recipes");
  std::unique_ptr<version::Resolver> resolver;
  test::FakeDownloader downloader;
  std::string warnings;

  Fixture() {
    version::ResolverOptions options;
    options.endpoints.github_api = options.endpoints.homebrew_api = options.endpoints.ghcr = server.base_url();
    options.client.github_api = server.base_url();
    options.client.ca_bundle = server.ca_file().string();
    options.client.cache_dir = test::fresh_dir("api-cache");
    resolver = version::make_resolver(options);
  }

  nlohmann::ordered_json plan(const std::string& tool, fetch::Downloader* fetcher) {
    recipe::Registry registry(recipe::RegistryOptions{{recipes}, false});
    plan::PlanServices services{&registry, fetcher, resolver.get()};
    plan::PlanRequest request;
    request.tool = tool;
    request.target = test::target_of("linux", "amd64", "debian", "glibc", "none", "", "");
    auto outcome = plan::generate_plan(request, services);
    REQUIRE_MESSAGE(outcome.has_value(), (outcome ? "" : outcome.error().message));
    for (const auto& warning : outcome->warnings) warnings += warning + "\n";
    return test::json_of(*outcome);
  }
};

}  // namespace

TEST_CASE("generate_plan with the provider resolver") {
  Fixture f;
  SUBCASE("github_archive: latest release, wildcard asset from the release listing") {
    test::write_text(f.recipes / "tool.toml", R"([metadata]
name = "tool"

[[steps]]
action = "github_archive"
repo = "o/tool"
asset_pattern = "tool-{version}-{os}-{arch}*.tar.gz"
binaries = ["tool"]

[verify]
command = "tool --version"
)");
    f.server.add_json("/repos/o/tool/releases/latest", R"({"tag_name": "v1.9.0"})");
    f.server.add_json("/repos/o/tool/releases/tags/v1.9.0", doc("github/release_v1.9.0.json"));
    const std::string url = "https://github.com/o/tool/releases/download/v1.9.0/tool-1.9.0-linux-amd64.tar.gz";
    f.downloader.add(url, std::string(64, 'e'), 4242);
    auto plan = f.plan("tool", &f.downloader);
    CHECK(f.warnings.empty());
    CHECK(plan["version"] == "1.9.0");
    const auto& step = plan["steps"][0];
    CHECK(step["action"] == "download_file");
    CHECK(step["url"] == url);
    CHECK(step["checksum"] == std::string(64, 'e'));
    CHECK(step["size"] == 4242);
    CHECK(step["params"]["dest"] == "tool-1.9.0-linux-amd64.tar.gz");
  }
  SUBCASE("homebrew: formula version, revision, GHCR bottle digest and size") {
    test::write_text(f.recipes / "jq.toml", R"([metadata]
name = "jq"

[[steps]]
action = "homebrew"
formula = "jq"

[verify]
command = "jq --version"
)");
    const std::string blob = "jq bottle bytes";
    fetch::Sha256 hash;
    hash.update(blob.data(), blob.size());
    const std::string digest = hash.hex_digest();
    f.server.add_json("/formula/jq.json", doc("homebrew/formula_jq.json"));
    f.server.add_json("/token", doc("homebrew/ghcr_token.json"));
    nlohmann::json index = {
        {"manifests",
         {{{"digest", "sha256:" + digest},
           {"annotations",
            {{"org.opencontainers.image.ref.name", "1.7.1_1.x86_64_linux"}, {"sh.brew.bottle.digest", digest}}}}}}};
    f.server.add("/v2/homebrew/core/jq/manifests/1.7.1_1", index.dump(), "application/vnd.oci.image.index.v1+json");
    f.server.add("/v2/homebrew/core/jq/blobs/sha256:" + digest, blob);
    auto plan = f.plan("jq", nullptr);
    // Only the Linux install-time dependency is missing from this one-recipe registry.
    CHECK(f.warnings.find("version resolution failed") == std::string::npos);
    INFO(f.warnings);
    CHECK(plan["version"] == "1.7.1");
    const auto& step = plan["steps"][0];
    CHECK(step["url"] == f.server.url("/v2/homebrew/core/jq/blobs/sha256:" + digest));
    CHECK(step["checksum"] == digest);
    CHECK(step["size"] == blob.size());
    CHECK(step["params"]["dest"] == "jq.tar.gz");
    CHECK_FALSE(step["params"].contains("checksum_algo"));
    CHECK(plan["steps"][1]["params"]["strip_dirs"] == 2);
  }
}
