// Where a plan's checksums come from (docs/downloads.md, "Checksums that are known in
// advance"): a release listing's digest without downloading, a checksum file, a signature,
// and security.require_checksum refusing a checksum only a first download would tell.
#include <doctest/doctest.h>

#include <algorithm>

#include "plan/artifacts.hpp"
#include "plan/planner.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"
#include "support/targets.hpp"

using namespace tailor;

namespace {

const std::string k_digest(64, 'd');
const std::string k_hashed(64, 'e');
const std::string k_asset_url = "https://github.com/o/ghtool/releases/download/1.0.0/ghtool-1.0.0-x64.tar.gz";
const std::string k_direct_url = "https://dl.example.org/direct/1.0.0/direct.tar.gz";

struct Fixture {
  std::filesystem::path dir = test::fresh_dir("plan-artifacts");
  std::unique_ptr<recipe::Registry> registry;
  test::FakeResolver resolver;
  test::FakeDownloader downloader;

  Fixture() {
    test::write_text(dir / "g" / "ghtool.toml", R"([metadata]
name = "ghtool"
[version]
github_repo = "o/ghtool"
[[steps]]
action = "github_archive"
repo = "o/ghtool"
asset_pattern = "ghtool-{version}-{arch}.tar.gz"
arch_mapping = { amd64 = "x64" }
binaries = ["ghtool"]
[verify]
command = "ghtool --version"
)");
    test::write_text(dir / "d" / "direct.toml", R"([metadata]
name = "direct"
[version]
github_repo = "o/direct"
[[steps]]
action = "download_archive"
url = "https://dl.example.org/direct/{version}/direct.tar.gz"
binaries = ["direct"]
[verify]
command = "direct --version"
)");
    test::write_text(dir / "s" / "signed.toml", R"([metadata]
name = "signed"
[version]
github_repo = "o/signed"
[[steps]]
action = "download"
url = "https://dl.example.org/signed/{version}/signed"
signature_url = "https://dl.example.org/signed/{version}/signed.asc"
signature_key_url = "https://dl.example.org/signed/key.asc"
signature_key_fingerprint = "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567"
[verify]
command = "signed --version"
)");
    registry = std::make_unique<recipe::Registry>(recipe::RegistryOptions{{dir}, false});
    for (const char* tool : {"ghtool", "direct", "signed"}) resolver.add(tool, "1.0.0", "1.0.0");
    downloader.add(k_asset_url, k_hashed, 1234);
    downloader.add(k_direct_url, k_hashed, 1234);
    downloader.add("https://dl.example.org/signed/1.0.0/signed", k_hashed, 99);
  }

  Result<plan::PlanOutcome> plan(const std::string& tool, bool require_checksum = false,
                                 std::optional<plan::Plan> lock = std::nullopt) {
    plan::PlanServices services{registry.get(), &downloader, &resolver};
    plan::PlanRequest request;
    request.tool = tool;
    request.target = test::target_of("linux", "amd64", "debian", "glibc", "none", "", "");
    request.require_checksum = require_checksum;
    request.pin_from = std::move(lock);
    return plan::generate_plan(request, services);
  }
};

nlohmann::ordered_json first_step(const plan::PlanOutcome& outcome) {
  return plan::step_to_json(outcome.value.steps.value().at(0));
}

}  // namespace

TEST_CASE("generate_plan with release listing digests") {
  Fixture f;
  SUBCASE("a listed sha256 digest is the checksum; the artifact is not downloaded") {
    f.resolver.add_asset_details("o/ghtool", "1.0.0",
                                 {{"ghtool-1.0.0-x64.tar.gz", k_digest, 777}, {"ghtool-1.0.0-arm64.tar.gz", "", 0}});
    auto outcome = f.plan("ghtool");
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(first_step(*outcome)["url"] == k_asset_url);
    CHECK(first_step(*outcome)["checksum"] == k_digest);
    CHECK(first_step(*outcome)["size"] == 777);
    CHECK(f.downloader.requests.empty());
  }
  SUBCASE("a listing without a digest for the asset: hashed by downloading it, as before") {
    f.resolver.add_asset_details("o/ghtool", "1.0.0", {{"ghtool-1.0.0-x64.tar.gz", "", 0}});
    auto outcome = f.plan("ghtool");
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(first_step(*outcome)["checksum"] == k_hashed);
    CHECK(f.downloader.requests == std::vector<std::string>{k_asset_url});
  }
  SUBCASE("no listing at all (the API cannot say): hashed by downloading it") {
    auto outcome = f.plan("ghtool");
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(first_step(*outcome)["checksum"] == k_hashed);
  }
  SUBCASE("a lock that lists the artifact wins and the listing is not read") {
    f.resolver.add_asset_details("o/ghtool", "1.0.0", {{"ghtool-1.0.0-x64.tar.gz", k_digest, 777}});
    auto first = f.plan("ghtool");
    REQUIRE(first.has_value());
    f.resolver.requests.clear();
    auto again = f.plan("ghtool", false, first->value);
    REQUIRE_MESSAGE(again.has_value(), again.error().message);
    CHECK(first_step(*again)["checksum"] == k_digest);
    CHECK(std::find(f.resolver.requests.begin(), f.resolver.requests.end(), "details o/ghtool@1.0.0") ==
          f.resolver.requests.end());
  }
}

TEST_CASE("generate_plan with security.require_checksum") {
  Fixture f;
  SUBCASE("an artifact only a first download could hash is refused before any download") {
    auto outcome = f.plan("direct", true);
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::checksum);
    CHECK(outcome.error().message.find(k_direct_url) != std::string::npos);
    CHECK(outcome.error().message.find("security.require_checksum") != std::string::npos);
    CHECK(outcome.error().message.find("checksum_url") != std::string::npos);
    CHECK(f.downloader.requests.empty());
  }
  SUBCASE("the same without the key: hashed by downloading it") {
    auto outcome = f.plan("direct");
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(f.downloader.requests == std::vector<std::string>{k_direct_url});
  }
  SUBCASE("a release digest vouches for the artifact") {
    f.resolver.add_asset_details("o/ghtool", "1.0.0", {{"ghtool-1.0.0-x64.tar.gz", k_digest, 777}});
    auto outcome = f.plan("ghtool", true);
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(first_step(*outcome)["checksum"] == k_digest);
  }
  SUBCASE("a release listing without a digest does not") {
    f.resolver.add_asset_details("o/ghtool", "1.0.0", {{"ghtool-1.0.0-x64.tar.gz", "", 0}});
    auto outcome = f.plan("ghtool", true);
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::checksum);
    CHECK(f.downloader.requests.empty());
  }
  SUBCASE("a signature vouches: the plan step carries it for install to check") {
    auto outcome = f.plan("signed", true);
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    const auto params = first_step(*outcome)["params"];
    CHECK(params["signature_url"] == "https://dl.example.org/signed/1.0.0/signed.asc");
    CHECK(params["signature_key_url"] == "https://dl.example.org/signed/key.asc");
    CHECK(params["signature_key_fingerprint"] == "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567");
    CHECK(params["checksum"] == k_hashed);
  }
  SUBCASE("a lock that lists the artifact vouches for it") {
    auto planned = f.plan("direct");
    REQUIRE(planned.has_value());
    f.downloader.requests.clear();
    auto outcome = f.plan("direct", true, planned->value);
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(first_step(*outcome)["checksum"] == k_hashed);
    CHECK(f.downloader.requests.empty());
  }
}

TEST_CASE("ArtifactResolver::from_digest") {
  test::FakeDownloader downloader;
  plan::ArtifactResolver artifacts(nullptr, &downloader, false);
  const std::string url = "https://example.org/t.tar.gz";
  SUBCASE("a checksum file that agrees") {
    downloader.add_text(url + ".sha256", k_digest + "  t.tar.gz\n");
    auto info = artifacts.from_digest(url, k_digest, 5, url + ".sha256", "t.tar.gz");
    REQUIRE(info.has_value());
    REQUIRE(info->has_value());
    CHECK((*info)->checksum == k_digest);
    CHECK((*info)->size == 5);
    CHECK(downloader.requests == std::vector<std::string>{url + ".sha256"});
  }
  SUBCASE("a checksum file that disagrees is a checksum error naming both") {
    downloader.add_text(url + ".sha256", k_hashed + "  t.tar.gz\n");
    auto info = artifacts.from_digest(url, k_digest, 5, url + ".sha256", "t.tar.gz");
    REQUIRE_FALSE(info.has_value());
    CHECK(info.error().kind == ErrorKind::checksum);
    CHECK(info.error().message.find(k_digest) != std::string::npos);
    CHECK(info.error().message.find(k_hashed) != std::string::npos);
  }
}
