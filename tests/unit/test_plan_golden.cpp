#include <doctest/doctest.h>

#include <sstream>

#include "plan/golden.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"

using namespace tailor;

TEST_CASE("parse_golden_name") {
  auto a = plan::parse_golden_name("v2025-12-02-linux-amd64.json");
  REQUIRE(a.has_value());
  CHECK(a->version == "2025-12-02");
  CHECK(plan::golden_platform_name(a->target) == "linux-amd64");
  auto b = plan::parse_golden_name("v5.3.9-linux-alpine-amd64.json");
  REQUIRE(b.has_value());
  CHECK(b->target.linux_family == tuple::LinuxFamily::alpine);
  auto c = plan::parse_golden_name("vb5000-linux-arm64-gpu-nvidia-drv575.json");
  REQUIRE(c.has_value());
  CHECK(c->version == "b5000");
  CHECK(c->target.gpu == tuple::GpuVendor::nvidia);
  CHECK(c->target.gpu_driver == "575");
  CHECK(plan::golden_file_name("v1.0", c->target) == "v1.0-linux-arm64-gpu-nvidia-drv575.json");
  auto d = plan::parse_golden_name("vb5000-linux-amd64-gpu-nvidia-drv580-cc7.5.json");
  REQUIRE(d.has_value());
  CHECK(d->version == "b5000");
  CHECK(d->target.gpu_driver == "580");
  CHECK(d->target.gpu_compute == "7.5");
  CHECK(plan::golden_platform_name(d->target) == "linux-amd64-gpu-nvidia-drv580-cc7.5");
  CHECK(plan::plan_target(d->target).gpu_compute == "7.5");
  CHECK_FALSE(plan::parse_golden_name("notes.txt").has_value());
}

TEST_CASE("golden_targets") {
  recipe::Registry registry{recipe::RegistryOptions{{test::testdata("plan/recipes")}, false}};
  auto names = [&](const std::string& tool) {
    std::vector<std::string> out;
    auto recipe = registry.find(tool);
    REQUIRE(recipe.has_value());
    REQUIRE(*recipe != nullptr);
    auto targets = plan::golden_targets(**recipe, registry);
    REQUIRE(targets.has_value());
    for (const auto& t : *targets) out.push_back(plan::golden_platform_name(t));
    return out;
  };
  SUBCASE("agnostic recipe: darwin first, linux without family, arm64 included") {
    CHECK(names("hello") == std::vector<std::string>{"darwin-amd64", "darwin-arm64", "linux-amd64", "linux-arm64"});
  }
  SUBCASE("specific policy from libc and apk: all five families") {
    auto list = names("fetchit");
    CHECK(list.size() == 12);
    CHECK(list[2] == "linux-debian-amd64");
    CHECK(list[5] == "linux-alpine-amd64");
  }
  SUBCASE("backend recipe: one file per vendor, NVIDIA per driver case") {
    auto list = names("llamalike");
    CHECK(std::find(list.begin(), list.end(), "linux-amd64-gpu-nvidia-drv569") != list.end());
    CHECK(std::find(list.begin(), list.end(), "linux-amd64-gpu-nvidia-drv580") != list.end());
    CHECK(std::find(list.begin(), list.end(), "darwin-arm64-gpu-apple") != list.end());
    CHECK(std::find(list.begin(), list.end(), "linux-amd64-gpu-none") != list.end());
    // unsupported_platforms prunes targets before the GPU dimension multiplies them.
    CHECK(std::find(list.begin(), list.end(), "linux-arm64-gpu-none") == list.end());
    // gpu_compute >=7.5 / <7.5 on the driver >=580 steps: the bound and the table's 7.0
    // below it, only with the driver case those steps accept.
    CHECK(std::find(list.begin(), list.end(), "linux-amd64-gpu-nvidia-drv580-cc7.0") != list.end());
    CHECK(std::find(list.begin(), list.end(), "linux-amd64-gpu-nvidia-drv580-cc7.5") != list.end());
    CHECK(std::find(list.begin(), list.end(), "linux-amd64-gpu-nvidia-drv570-cc7.0") == list.end());
    CHECK(list.size() == 9);
  }
}

TEST_CASE("golden_regenerate and golden_check") {
  auto dir = test::fresh_dir("golden");
  test::write_text(dir / "recipes" / "h" / "hello.toml", test::read_text(test::testdata("plan/recipes/hello.toml")));
  recipe::Registry registry{recipe::RegistryOptions{{dir / "recipes"}, false}};
  test::FakeDownloader downloader;
  for (const char* platform : {"linux-x86_64", "linux-aarch64", "macos-x86_64", "macos-aarch64"}) {
    std::string name = std::string("hello-2.1.0-") + platform + ".tar.gz";
    downloader.add("https://dl.example.org/hello/2.1.0/" + name, std::string(64, 'a'), 100);
  }
  std::string sums;
  for (const char* platform : {"linux-x86_64", "linux-aarch64", "macos-x86_64", "macos-aarch64"}) {
    sums += std::string(64, 'a') + "  hello-2.1.0-" + platform + ".tar.gz\n";
  }
  downloader.add_text("https://dl.example.org/hello/2.1.0/SHA256SUMS", sums);
  plan::PlanServices services{&registry, &downloader, nullptr};
  plan::GoldenOptions options;
  options.golden_dir = dir / "golden";
  options.version = "2.1.0";
  options.refresh = true;
  std::ostringstream out, err;
  util::Output output{&out, &err};
  auto written = plan::golden_regenerate(options, services, output);
  REQUIRE(written.has_value());
  CHECK(written->written == 4);
  CHECK(written->failures == 0);

  SUBCASE("check passes offline, with no download at all") {
    downloader.requests.clear();
    plan::PlanServices offline{&registry, nullptr, nullptr};
    plan::GoldenOptions check;
    check.golden_dir = dir / "golden";
    auto report = plan::golden_check(check, offline, output);
    REQUIRE(report.has_value());
    CHECK(report->checked == 4);
    CHECK(report->failures == 0);
  }
  SUBCASE("a changed recipe fails the check with a unified diff") {
    std::string recipe = test::read_text(dir / "recipes" / "h" / "hello.toml");
    recipe.replace(recipe.find("strip_dirs = 1"), 14, "strip_dirs = 2");
    test::write_text(dir / "recipes" / "h" / "hello.toml", recipe);
    recipe::Registry changed{recipe::RegistryOptions{{dir / "recipes"}, false}};
    plan::PlanServices offline{&changed, nullptr, nullptr};
    plan::GoldenOptions check;
    check.golden_dir = dir / "golden";
    std::ostringstream diff;
    util::Output diff_output{&diff, &err};
    auto report = plan::golden_check(check, offline, diff_output);
    REQUIRE(report.has_value());
    CHECK(report->failures == 4);
    CHECK(diff.str().find("-        \"strip_dirs\": 1") != std::string::npos);
    CHECK(diff.str().find("+        \"strip_dirs\": 2") != std::string::npos);
  }
}
