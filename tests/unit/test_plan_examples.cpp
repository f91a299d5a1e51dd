// The worked examples of docs/plan-format.md, "Worked examples", byte for byte.
#include <doctest/doctest.h>

#include "plan/artifacts.hpp"
#include "plan/planner.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"
#include "support/targets.hpp"
#include "util/canonical_json.hpp"

using namespace tailor;

namespace {

struct Fixture {
  recipe::Registry registry{recipe::RegistryOptions{{test::testdata("plan/recipes")}, false}};
  test::FakeDownloader downloader;
  test::FakeResolver resolver;
  plan::PlanServices services{&registry, &downloader, &resolver};

  std::string eval(const std::string& tool, plan::Target target) {
    plan::PlanRequest request;
    request.tool = tool;
    request.target = std::move(target);
    request.for_golden = true;
    auto outcome = plan::generate_plan(request, services);
    REQUIRE_MESSAGE(outcome.has_value(), (outcome ? "" : outcome.error().message));
    return util::canonical_json(test::json_of(*outcome));
  }
};

plan::Target linux_target(const std::string& family, const std::string& arch = "amd64") {
  return test::target_of("linux", arch, family, family == "alpine" ? "musl" : "glibc", "none");
}

}  // namespace

TEST_CASE("generate_plan") {
  Fixture f;
  SUBCASE("example A: download_archive verified against checksum_url") {
    // The listed hash agrees with what an earlier run hashed: checksum and size, no download.
    f.resolver.add("hello", "2.1.0", "v2.1.0");
    const std::string url = "https://dl.example.org/hello/2.1.0/hello-2.1.0-linux-x86_64.tar.gz";
    f.downloader.add_cached(url, "29a99ddf5c1dac4520ac9384c3201cd7aa663e72f7fee16770cfe7095800ed7b", 1843201);
    f.downloader.add_text(
        "https://dl.example.org/hello/2.1.0/SHA256SUMS",
        "29a99ddf5c1dac4520ac9384c3201cd7aa663e72f7fee16770cfe7095800ed7b  hello-2.1.0-linux-x86_64.tar.gz\n"
        "1111111111111111111111111111111111111111111111111111111111111111  hello-2.1.0-macos-x86_64.tar.gz\n");
    CHECK(f.eval("hello", linux_target("debian")) ==
          test::read_text(test::testdata("plan/expected/example-a-hello-linux-amd64.json")));
    CHECK(f.downloader.requests == std::vector<std::string>{"https://dl.example.org/hello/2.1.0/SHA256SUMS"});
  }
  SUBCASE("example A: the checksum file's hash is taken without downloading the artifact") {
    f.resolver.add("hello", "2.1.0", "v2.1.0");
    f.downloader.add_text("https://dl.example.org/hello/2.1.0/SHA256SUMS",
                          std::string(64, 'c') + "  hello-2.1.0-linux-x86_64.tar.gz\n");
    plan::PlanRequest request;
    request.tool = "hello";
    request.target = linux_target("debian");
    auto outcome = plan::generate_plan(request, f.services);
    REQUIRE_MESSAGE(outcome.has_value(), (outcome ? "" : outcome.error().message));
    const std::string text = util::canonical_json(test::json_of(*outcome));
    CHECK(text.find(std::string(64, 'c')) != std::string::npos);
    CHECK(text.find("\"size\"") == std::string::npos);
    CHECK(f.downloader.requests == std::vector<std::string>{"https://dl.example.org/hello/2.1.0/SHA256SUMS"});
  }
  SUBCASE("example A: a checksum file that disagrees with the cache and a fresh download fails the plan") {
    f.resolver.add("hello", "2.1.0", "v2.1.0");
    const std::string url = "https://dl.example.org/hello/2.1.0/hello-2.1.0-linux-x86_64.tar.gz";
    f.downloader.add_cached(url, std::string(64, 'a'), 10);
    f.downloader.add(url, std::string(64, 'a'), 10);
    f.downloader.add_text("https://dl.example.org/hello/2.1.0/SHA256SUMS",
                          std::string(64, 'c') + "  hello-2.1.0-linux-x86_64.tar.gz\n");
    plan::PlanRequest request;
    request.tool = "hello";
    request.target = linux_target("debian");
    auto outcome = plan::generate_plan(request, f.services);
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::checksum);
    CHECK(outcome.error().message.find("SHA256SUMS") != std::string::npos);
    // The cached hash disagreed, so the artifact was downloaded once to settle it.
    CHECK(f.downloader.requests == std::vector<std::string>{"https://dl.example.org/hello/2.1.0/SHA256SUMS", url});
  }
  SUBCASE("a cached checksum is used instead of a download") {
    f.resolver.add("hello", "2.1.0", "v2.1.0");
    const std::string url = "https://dl.example.org/hello/2.1.0/hello-2.1.0-linux-x86_64.tar.gz";
    f.downloader.add_cached(url, std::string(64, 'd'), 77);
    // A known checksum (a release digest) wins over the checksum file: nothing is fetched.
    plan::ArtifactResolver artifacts(nullptr, &f.downloader, false);
    auto info = artifacts.resolve(url, {}, "https://dl.example.org/hello/2.1.0/SHA256SUMS",
                                  "hello-2.1.0-linux-x86_64.tar.gz", "sha256:" + std::string(64, 'D'));
    REQUIRE(info.has_value());
    REQUIRE(info->has_value());
    CHECK((*info)->checksum == std::string(64, 'd'));
    CHECK((*info)->size == 77);
    CHECK(f.downloader.requests.empty());
    // Without a published checksum, the cache answers: still nothing is fetched.
    auto cached = artifacts.resolve(url, {}, "", "hello-2.1.0-linux-x86_64.tar.gz");
    REQUIRE(cached.has_value());
    REQUIRE(cached->has_value());
    CHECK((*cached)->checksum == std::string(64, 'd'));
    CHECK(f.downloader.requests.empty());
  }
  SUBCASE("example B: nested dependencies appear once, depth first") {
    f.resolver.add("gizmo", "3.4.0", "v3.4.0");
    f.resolver.add("libfoo", "1.8.0", "v1.8.0");
    f.resolver.add("libzed", "0.9.3", "v0.9.3");
    f.downloader.add("https://zed.example.org/dl/0.9.3/libzed-darwin-arm64.dylib",
                     "519d54afed4181009f1e1740794c5e46d9111859f1e5cd480bc9938cd2904b7e", 88120);
    f.downloader.add("https://foo.example.org/dl/1.8.0/libfoo-darwin-arm64.dylib",
                     "010afdbd0e7638947dfdcbcb5ff24375e434c42ff84db1c6ace895f2110eab0d", 402113);
    f.downloader.add("https://github.com/example-org/gizmo/releases/download/v3.4.0/gizmo_3.4.0_darwin_arm64",
                     "9c4c0668b5b76c4ae8aecd41be4ed00d5dc8f941f20a1056e2e54e6e3eafb7ff", 9120448);
    CHECK(f.eval("gizmo", test::target_of("darwin", "arm64", "", "", "apple")) ==
          test::read_text(test::testdata("plan/expected/example-b-gizmo-darwin-arm64.json")));
  }
  SUBCASE("example C: alpine keeps only the apk step, exit_code 0 kept, linux_family recorded") {
    f.resolver.add("fetchit", "8.1.2", "8.1.2");
    CHECK(f.eval("fetchit", linux_target("alpine")) ==
          test::read_text(test::testdata("plan/expected/example-c-fetchit-linux-alpine-amd64.json")));
  }
  SUBCASE("example C on debian: homebrew decomposed, linux_family still recorded, missing patchelf warned") {
    f.resolver.add("fetchit", "8.1.2", "8.1.2");
    plan::PlanRequest request;
    request.tool = "fetchit";
    request.target = linux_target("debian");
    auto outcome = plan::generate_plan(request, f.services);
    REQUIRE(outcome.has_value());
    const auto plan = test::json_of(*outcome);
    CHECK(plan["platform"]["linux_family"] == "debian");
    CHECK(plan["deterministic"] == true);
    REQUIRE(plan["steps"].size() == 4);
    CHECK(plan["steps"][0]["action"] == "download_file");
    CHECK_FALSE(plan["steps"][0]["params"].contains("checksum_algo"));
    CHECK(plan["steps"][1]["params"]["strip_dirs"] == 2);
    CHECK(plan["steps"][2]["action"] == "homebrew_relocate");
    CHECK(plan["steps"][3]["action"] == "install_binaries");
    bool warned = false;
    for (const auto& w : outcome->warnings)
      warned |= w.find("no recipe for dependency 'patchelf'") != std::string::npos;
    CHECK(warned);
  }
}
