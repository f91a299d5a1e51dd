// The backend ladder meets the release (docs/planning.md, "The backend ladder"): a rung whose
// step matches but whose asset the release does not publish is rejected with the reason.
#include <doctest/doctest.h>

#include "plan/plan_view.hpp"
#include "plan/planner.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"
#include "support/targets.hpp"

using namespace tailor;

namespace {

// llama.cpp's shape: one github_archive step per backend build, a wildcard CUDA asset.
const char* k_recipe = R"([metadata]
name = "ghllama"
[verify]
command = "llama-cli --version"
[version]
github_repo = "o/ghllama"

[[steps]]
action = "github_archive"
repo = "o/ghllama"
asset_pattern = "ghllama-{version}-bin-ubuntu-cuda-13.*-{arch}.tar.gz"
arch_mapping = { amd64 = "x64" }
install_mode = "directory"
binaries = ["llama-cli"]
when = { os = ["linux"], backend = ["cuda"], gpu_driver = ">=580" }

[[steps]]
action = "github_archive"
repo = "o/ghllama"
asset_pattern = "ghllama-{version}-bin-ubuntu-vulkan-{arch}.tar.gz"
arch_mapping = { amd64 = "x64" }
install_mode = "directory"
binaries = ["llama-cli"]
when = { os = ["linux"], backend = ["vulkan"] }

[[steps]]
action = "github_archive"
repo = "o/ghllama"
asset_pattern = "ghllama-{version}-bin-ubuntu-{arch}.tar.gz"
arch_mapping = { amd64 = "x64" }
install_mode = "directory"
binaries = ["llama-cli"]
when = { os = ["linux"], backend = ["cpu"] }
)";

struct Fixture {
  std::filesystem::path dir = test::fresh_dir("rung-release");
  std::unique_ptr<recipe::Registry> registry;
  test::FakeResolver resolver;
  test::FakeDownloader downloader;

  Fixture() {
    test::write_text(dir / "g" / "ghllama.toml", k_recipe);
    registry = std::make_unique<recipe::Registry>(recipe::RegistryOptions{{dir}, false});
    resolver.add("ghllama", "b6500", "b6500");
  }

  Result<plan::PlanOutcome> eval(const std::string& backend = "", bool offline = false,
                                 std::optional<plan::Plan> lock = std::nullopt) {
    plan::PlanServices services{registry.get(), &downloader, &resolver};
    plan::PlanRequest request;
    request.tool = "ghllama";
    request.target = test::target_of("linux", "amd64", "debian", "glibc", "nvidia", "580.65.06", "");
    request.backend = backend;
    request.offline = offline;
    request.pin_from = std::move(lock);
    return plan::generate_plan(request, services);
  }
};

std::string url_of(const plan::PlanOutcome& outcome) { return outcome.value.steps.value().at(0).url; }

}  // namespace

TEST_CASE("generate_plan backend ladder against the release listing") {
  Fixture f;
  const std::string vulkan_url =
      "https://github.com/o/ghllama/releases/download/b6500/ghllama-b6500-bin-ubuntu-vulkan-x64.tar.gz";
  f.downloader.add(vulkan_url, std::string(64, 'a'), 10);
  SUBCASE("auto: a release without the CUDA asset rejects cuda with the reason and picks vulkan") {
    f.resolver.add_assets("o/ghllama", "b6500",
                          {"ghllama-b6500-bin-ubuntu-x64.tar.gz", "ghllama-b6500-bin-ubuntu-vulkan-x64.tar.gz"});
    auto outcome = f.eval();
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(outcome->backend == "vulkan");
    CHECK(test::json_of(*outcome)["platform"]["backend"] == "vulkan");
    CHECK(url_of(*outcome) == vulkan_url);
    REQUIRE(outcome->ladder.size() == 3);
    CHECK(outcome->ladder[0].backend == "cuda");
    CHECK(std::string(outcome->ladder[0].status()) == "rejected");
    CHECK(outcome->ladder[0].reason ==
          "release b6500 publishes no CUDA build for linux/amd64: "
          "no asset matches 'ghllama-b6500-bin-ubuntu-cuda-13.*-x64.tar.gz'");
    CHECK(outcome->ladder[1].chosen);
    // --explain prints the rung with its reason.
    CHECK(plan::describe_plan(*outcome, true)
              .find("cuda: rejected (release b6500 publishes no CUDA build for linux/amd64") != std::string::npos);
    // Nothing of the rejected rung was downloaded.
    CHECK(f.downloader.requests == std::vector<std::string>{vulkan_url});
  }
  SUBCASE("auto: a release that publishes the CUDA asset keeps cuda") {
    f.resolver.add_assets("o/ghllama", "b6500",
                          {"ghllama-b6500-bin-ubuntu-cuda-13.1-x64.tar.gz", "ghllama-b6500-bin-ubuntu-x64.tar.gz"});
    f.downloader.add(
        "https://github.com/o/ghllama/releases/download/b6500/ghllama-b6500-bin-ubuntu-cuda-13.1-x64.tar.gz",
        std::string(64, 'c'), 10);
    auto outcome = f.eval();
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(outcome->backend == "cuda");
    CHECK(outcome->ladder[0].chosen);
  }
  SUBCASE("explicit cuda: exit 6 with the reason, nothing downloaded") {
    f.resolver.add_assets("o/ghllama", "b6500", {"ghllama-b6500-bin-ubuntu-vulkan-x64.tar.gz"});
    auto outcome = f.eval("cuda");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::install);
    CHECK(outcome.error().message.find("release b6500 publishes no CUDA build for linux/amd64") != std::string::npos);
    CHECK(f.downloader.requests.empty());
  }
  SUBCASE("offline with the lock planned here, the same decision is reproduced from the lock") {
    f.resolver.add_assets("o/ghllama", "b6500", {"ghllama-b6500-bin-ubuntu-vulkan-x64.tar.gz"});
    auto online = f.eval();
    REQUIRE_MESSAGE(online.has_value(), online.error().message);
    REQUIRE(online->backend == "vulkan");
    const plan::Plan lock = online->value;
    const size_t asked = f.resolver.requests.size();
    auto offline = f.eval("", true, lock);
    REQUIRE_MESSAGE(offline.has_value(), offline.error().message);
    CHECK(offline->backend == "vulkan");
    CHECK(offline->ladder[0].reason ==
          "the lock for release b6500 has no CUDA build for linux/amd64 (it chose "
          "vulkan); the release listing was not read");
    CHECK(test::json_of(*offline)["steps"] == test::json_of(*online)["steps"]);
    CHECK(f.resolver.requests.size() == asked);  // nothing asked offline
    auto explicit_cuda = f.eval("cuda", true, lock);
    REQUIRE_FALSE(explicit_cuda.has_value());
    CHECK(explicit_cuda.error().kind == ErrorKind::install);
    CHECK(explicit_cuda.error().message.find("the lock for release b6500 has no CUDA build") != std::string::npos);
  }
  SUBCASE("a listing that cannot be read decides nothing: the rung stays") {
    // The double has no listing for this release: like an unreachable API.
    auto outcome = f.eval("vulkan");
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(outcome->backend == "vulkan");
  }
}

namespace {

// The same ladder with direct URLs: no release listing to ask, a HEAD request instead.
const char* k_direct_recipe = R"([metadata]
name = "dlllama"
[verify]
command = "llama-cli --version"
[version]
github_repo = "o/dlllama"

[[steps]]
action = "download_archive"
url = "https://dl.example.org/{version}/dlllama-cuda-{arch}.tar.gz"
arch_mapping = { amd64 = "x64" }
install_mode = "directory"
binaries = ["llama-cli"]
when = { os = ["linux"], backend = ["cuda"], gpu_driver = ">=580" }

[[steps]]
action = "download_archive"
url = "https://dl.example.org/{version}/dlllama-vulkan-{arch}.tar.gz"
arch_mapping = { amd64 = "x64" }
install_mode = "directory"
binaries = ["llama-cli"]
when = { os = ["linux"], backend = ["vulkan"] }
)";

}  // namespace

TEST_CASE("generate_plan backend ladder against direct URLs that answer 404") {
  Fixture f;
  test::write_text(f.dir / "d" / "dlllama.toml", k_direct_recipe);
  f.registry = std::make_unique<recipe::Registry>(recipe::RegistryOptions{{f.dir}, false});
  f.resolver.add("dlllama", "b6500", "b6500");
  const std::string cuda_url = "https://dl.example.org/b6500/dlllama-cuda-x64.tar.gz";
  const std::string vulkan_url = "https://dl.example.org/b6500/dlllama-vulkan-x64.tar.gz";
  f.downloader.add(vulkan_url, std::string(64, 'a'), 10);
  f.downloader.add_probe(vulkan_url, true);
  auto eval = [&](const std::string& backend) {
    plan::PlanServices services{f.registry.get(), &f.downloader, &f.resolver};
    plan::PlanRequest request;
    request.tool = "dlllama";
    request.target = test::target_of("linux", "amd64", "debian", "glibc", "nvidia", "580.65.06", "");
    request.backend = backend;
    return plan::generate_plan(request, services);
  };
  SUBCASE("auto: the CUDA URL answers 404, so cuda is rejected with the reason and vulkan planned") {
    f.downloader.add_probe(cuda_url, false);
    auto outcome = eval("");
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(outcome->backend == "vulkan");
    CHECK(outcome->ladder[0].reason == "version b6500 has no CUDA build for linux/amd64: " + cuda_url + " answers 404");
    CHECK(f.downloader.requests == std::vector<std::string>{vulkan_url});  // the CUDA build never downloaded
  }
  SUBCASE("explicit cuda: exit 6 with the reason, nothing downloaded") {
    f.downloader.add_probe(cuda_url, false);
    auto outcome = eval("cuda");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::install);
    CHECK(outcome.error().message.find(cuda_url + " answers 404") != std::string::npos);
    CHECK(f.downloader.requests.empty());
  }
  SUBCASE("a probe that cannot tell (network) rejects nothing") {
    f.downloader.add(cuda_url, std::string(64, 'c'), 10);
    auto outcome = eval("");
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(outcome->backend == "cuda");
  }
}
