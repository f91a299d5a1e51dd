// The backend ladder (docs/planning.md, "The backend ladder") against a llama.cpp-shaped recipe.
#include <doctest/doctest.h>

#include "plan/planner.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"
#include "support/targets.hpp"

using namespace tailor;

namespace {

struct Fixture {
  recipe::Registry registry{recipe::RegistryOptions{{test::testdata("plan/recipes")}, false}};
  test::FakeResolver resolver;
  plan::PlanServices services{&registry, nullptr, &resolver};
  Fixture() { resolver.add("llamalike", "b5000", "b5000"); }

  Result<plan::PlanOutcome> eval(const std::string& gpu, const std::string& driver, const std::string& backend = "",
                                 const std::string& os = "linux", const std::string& arch = "amd64",
                                 const std::string& compute = "") {
    plan::PlanRequest request;
    request.tool = "llamalike";
    request.target = test::target_of(os, arch, os == "linux" ? "debian" : "", os == "linux" ? "glibc" : "", gpu, driver,
                                     "", compute);
    request.backend = backend;
    return plan::generate_plan(request, services);
  }
};

std::string url_of(const plan::PlanOutcome& outcome) { return outcome.value.steps.value().at(0).url; }

std::vector<std::string> dependency_names(const nlohmann::ordered_json& deps) {
  std::vector<std::string> names;
  for (const auto& dep : deps) {
    names.push_back(dep["tool"].get<std::string>());
    if (dep.contains("dependencies")) {
      for (const auto& name : dependency_names(dep["dependencies"])) names.push_back("  " + name);
    }
  }
  return names;
}

}  // namespace

TEST_CASE("generate_plan backend ladder") {
  Fixture f;
  SUBCASE("nvidia with a recent driver gets the newest CUDA build and the GPU stack") {
    auto outcome = f.eval("nvidia", "580.65.06");
    REQUIRE(outcome.has_value());
    CHECK(outcome->backend == "cuda");
    CHECK(url_of(*outcome).find("cuda-13.0") != std::string::npos);
    CHECK(outcome->value.platform.gpu == tuple::GpuVendor::nvidia);
    CHECK(outcome->value.platform.backend == tuple::Backend::cuda);
    CHECK(dependency_names(test::json_of(*outcome)["dependencies"]) ==
          std::vector<std::string>{"cuda-runtime", "  nvidia-driver"});
  }
  SUBCASE("nvidia with driver 575 gets CUDA 12.8") {
    auto outcome = f.eval("nvidia", "575.57.08");
    REQUIRE(outcome.has_value());
    CHECK(url_of(*outcome).find("cuda-12.8") != std::string::npos);
  }
  SUBCASE("nvidia with an old driver falls to vulkan, and says why") {
    auto outcome = f.eval("nvidia", "535.183.01");
    REQUIRE(outcome.has_value());
    CHECK(outcome->backend == "vulkan");
    REQUIRE(outcome->ladder.size() == 3);
    CHECK(outcome->ladder[0].backend == "cuda");
    CHECK_FALSE(outcome->ladder[0].chosen);
    CHECK(outcome->ladder[0].reason.find("driver 535.183.01") != std::string::npos);
    CHECK(outcome->ladder[1].chosen);
    CHECK(std::string(outcome->ladder[2].status()) == "not tried");
    CHECK(dependency_names(test::json_of(*outcome)["dependencies"]) ==
          std::vector<std::string>{"vulkan-loader", "  mesa-vulkan-drivers"});
  }
  SUBCASE("amd gets rocm, intel gets sycl, none gets cpu, apple silicon gets metal") {
    CHECK(f.eval("amd", "")->backend == "rocm");
    CHECK(f.eval("intel", "")->backend == "sycl");
    auto cpu = f.eval("none", "");
    CHECK(cpu->backend == "cpu");
    CHECK(cpu->value.dependencies.empty());
    CHECK(f.eval("apple", "", "", "darwin", "arm64")->backend == "metal");
  }
  SUBCASE("llm.backend=cpu on an NVIDIA machine plans the CPU build") {
    auto outcome = f.eval("nvidia", "580.65.06", "cpu");
    REQUIRE(outcome.has_value());
    CHECK(outcome->backend == "cpu");
    CHECK(outcome->ladder.size() == 1);
  }
  SUBCASE("an explicit backend the GPU cannot run is refused before anything else") {
    auto outcome = f.eval("none", "", "cuda");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message.find("needs an NVIDIA GPU") != std::string::npos);
    CHECK(f.resolver.requests.empty());
  }
  SUBCASE("an explicit backend the recipe lacks on this target never falls back") {
    auto outcome = f.eval("apple", "", "vulkan", "darwin", "arm64");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message.find("offers here: metal") != std::string::npos);
  }
  SUBCASE("explicit cuda with an old driver fails with the fact that blocks it, not a list of other backends") {
    auto outcome = f.eval("nvidia", "535.183.01", "cuda");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::install);
    CHECK(outcome.error().message ==
          "llamalike backend 'cuda' cannot be used on this machine: driver 535.183.01 is older than 570; nothing "
          "was downloaded");
  }
  SUBCASE("explicit cuda without a driver says no driver version is known") {
    auto outcome = f.eval("nvidia", "", "cuda");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message.find("no nvidia driver version known") != std::string::npos);
  }
  SUBCASE("the backends offered here are those this machine's GPU can run") {
    auto outcome = f.eval("nvidia", "580.65.06", "metal");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message.find("needs an Apple GPU") != std::string::npos);
    auto forced = [&] {
      plan::PlanRequest request;
      request.tool = "llamalike";
      request.target = test::target_of("linux", "amd64", "debian", "glibc", "nvidia", "580.65.06");
      request.backend = "metal";
      request.force = true;
      return plan::generate_plan(request, f.services);
    }();
    REQUIRE_FALSE(forced.has_value());
    CHECK(forced.error().message.find("it offers here: cuda, vulkan, cpu") != std::string::npos);
  }
  SUBCASE("unknown backend names get a suggestion") {
    auto outcome = f.eval("nvidia", "580", "cudaa");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::usage);
    CHECK(outcome.error().message.find("did you mean 'cuda'") != std::string::npos);
  }
}

TEST_CASE("generate_plan gpu_compute ranges") {
  Fixture f;
  SUBCASE("a Pascal card (6.1) with driver 580 keeps the CUDA 12.8 build") {
    auto outcome = f.eval("nvidia", "580.65.06", "", "linux", "amd64", "6.1");
    REQUIRE(outcome.has_value());
    CHECK(outcome->backend == "cuda");
    CHECK(url_of(*outcome).find("cuda-12.8") != std::string::npos);
    CHECK(outcome->ladder[0].reason ==
          "best rung with a build for this machine (compute capability 6.1 takes the cuda build for gpu_compute "
          "<7.5, not the one for >=7.5)");
  }
  SUBCASE("compute 7.5, the lower bound of the CUDA 13 step, gets CUDA 13") {
    auto outcome = f.eval("nvidia", "580.65.06", "", "linux", "amd64", "7.5");
    REQUIRE(outcome.has_value());
    CHECK(url_of(*outcome).find("cuda-13.0") != std::string::npos);
    CHECK(outcome->ladder[0].reason ==
          "best rung with a build for this machine (compute capability 7.5 takes the cuda build for gpu_compute "
          ">=7.5, not the one for <7.5)");
  }
  SUBCASE("an unknown capability satisfies the range, and the ladder says it was assumed") {
    auto outcome = f.eval("nvidia", "580.65.06");
    REQUIRE(outcome.has_value());
    CHECK(url_of(*outcome).find("cuda-13.0") != std::string::npos);
    CHECK(outcome->ladder[0].reason ==
          "best rung with a build for this machine (compute capability unknown: taken as newer than any, so "
          "gpu_compute >=7.5 holds; --gpu-compute says)");
    CHECK(test::json_of(*outcome).dump().find("cuda-12.8") == std::string::npos);  // never the <7.5 step as well
  }
  SUBCASE("a rejected CUDA rung names the driver, the capability and what the steps need") {
    auto outcome = f.eval("nvidia", "560.35.03", "", "linux", "amd64", "6.1");
    REQUIRE(outcome.has_value());
    CHECK(outcome->backend == "vulkan");
    CHECK(outcome->ladder[0].reason == "driver 560.35.03 is older than 570");
  }
}

namespace {

// A ROCm build for two gfx targets beside Vulkan and CPU builds.
const char* k_rocm_recipe = R"([metadata]
name = "rocmlike"

[version]
source = "github_releases"
github_repo = "example-org/rocmlike"

[[steps]]
action = "download_file"
url = "https://dl.example.org/x-rocm"
dest = "x"
checksum = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
when = { backend = ["rocm"], gfx = ["gfx1030", "gfx1100"] }

[[steps]]
action = "download_file"
url = "https://dl.example.org/x-vulkan"
dest = "x"
checksum = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
when = { backend = ["vulkan"] }

[[steps]]
action = "download_file"
url = "https://dl.example.org/x-cpu"
dest = "x"
checksum = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
when = { backend = ["cpu"] }

[verify]
command = "x --version"
)";

}  // namespace

TEST_CASE("generate_plan gfx lists") {
  test::FakeResolver resolver;
  resolver.add("rocmlike", "1.0", "v1.0");
  recipe::Registry registry{recipe::RegistryOptions{{test::testdata("plan/recipes")}, false}};
  plan::PlanServices services{&registry, nullptr, &resolver};
  auto parsed = recipe::parse_recipe(k_rocm_recipe, "rocmlike.toml");
  REQUIRE(parsed);
  auto eval = [&](std::vector<std::string> gfx, const std::string& note = "", const std::string& backend = "") {
    plan::PlanRequest request;
    request.recipe = &*parsed;
    request.target = test::target_of("linux", "amd64", "debian", "glibc", "amd");
    request.target.vulkan = "usable";
    request.target.gfx = std::move(gfx);
    request.target.gfx_note = note;
    request.backend = backend;
    return plan::generate_plan(request, services);
  };
  SUBCASE("a listed target gets the ROCm build and says so") {
    auto outcome = eval({"gfx1100"});
    REQUIRE(outcome);
    CHECK(outcome->backend == "rocm");
    CHECK(outcome->ladder[0].reason ==
          "best rung with a build for this machine (gfx1100 among the ROCm build's targets)");
  }
  SUBCASE("an RX 5700 (gfx1010) falls to Vulkan with the reason") {
    auto outcome = eval({"gfx1010"});
    REQUIRE(outcome);
    CHECK(outcome->backend == "vulkan");
    CHECK(outcome->ladder[0].reason == "gfx1010 is not among the ROCm build's targets (gfx1030, gfx1100)");
  }
  SUBCASE("any listed GPU of several is enough") {
    auto outcome = eval({"gfx1010", "gfx1030"});
    REQUIRE(outcome);
    CHECK(outcome->backend == "rocm");
  }
  SUBCASE("an unknown target is taken as listed, and the plan says so") {
    auto outcome = eval({});
    REQUIRE(outcome);
    CHECK(outcome->backend == "rocm");
    CHECK(outcome->ladder[0].reason.find("gfx target unknown: taken as one of the ROCm build's targets; --gfx says") !=
          std::string::npos);
  }
  SUBCASE("an override names where the target came from") {
    auto outcome = eval({"gfx1030"}, "gfx1030 from HSA_OVERRIDE_GFX_VERSION=10.3.0 (detected gfx1010)");
    REQUIRE(outcome);
    CHECK(outcome->backend == "rocm");
    CHECK(outcome->ladder[0].reason.find("(gfx1030 from HSA_OVERRIDE_GFX_VERSION=10.3.0 (detected gfx1010) among the "
                                         "ROCm build's targets)") != std::string::npos);
  }
  SUBCASE("an explicit rocm on an unlisted GPU fails with the reason, exit 6") {
    auto outcome = eval({"gfx1010"}, "", "rocm");
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().kind == ErrorKind::install);
    CHECK(outcome.error().message.find("gfx1010 is not among the ROCm build's targets") != std::string::npos);
  }
}

TEST_CASE("generate_plan Vulkan on NVIDIA") {
  Fixture f;
  auto eval = [&](std::optional<bool> icd, const std::string& backend = "") {
    plan::PlanRequest request;
    request.tool = "llamalike";
    request.target = test::target_of("linux", "amd64", "debian", "glibc", "nvidia", "535.183.01");
    request.target.vulkan = "loader-only";
    request.target.nvidia_vulkan_icd = icd;
    request.backend = backend;
    return plan::generate_plan(request, f.services);
  };
  SUBCASE("without NVIDIA's ICD the vulkan rung is rejected with the package that brings it") {
    auto outcome = eval(false);
    REQUIRE(outcome);
    CHECK(outcome->backend == "cpu");
    CHECK(outcome->ladder[1].reason.find("NVIDIA's Vulkan driver is not installed: no nvidia_icd.json") !=
          std::string::npos);
    auto explicit_vulkan = eval(false, "vulkan");
    REQUIRE_FALSE(explicit_vulkan);
    CHECK(explicit_vulkan.error().kind == ErrorKind::install);
  }
  SUBCASE("with it, or when it cannot be told, vulkan is chosen") {
    CHECK(eval(true)->backend == "vulkan");
    CHECK(eval(std::nullopt)->backend == "vulkan");
  }
}

TEST_CASE("generate_plan min_glibc") {
  test::FakeResolver resolver;
  resolver.add("newglibc", "1.0", "v1.0");
  recipe::Registry registry{recipe::RegistryOptions{{test::testdata("plan/recipes")}, false}};
  plan::PlanServices services{&registry, nullptr, &resolver};
  auto step = [](const std::string& backend, const std::string& extra) {
    return "[[steps]]\naction = \"download_file\"\nurl = \"https://dl.example.org/x-" + backend +
           "\"\ndest = \"x\"\nchecksum = \"" + std::string(64, 'a') + "\"\n" + extra + "when = { backend = [\"" +
           backend + "\"] }\n\n";
  };
  std::string text =
      "[metadata]\nname = \"newglibc\"\n\n[version]\nsource = \"github_releases\"\n"
      "github_repo = \"example-org/newglibc\"\n\n" +
      step("cuda", "min_glibc = \"2.39\"\n") + step("vulkan", "") + step("cpu", "") +
      "[verify]\ncommand = \"x --version\"\n";
  auto parsed = recipe::parse_recipe(text, "newglibc.toml");
  REQUIRE(parsed);
  auto eval = [&](const std::string& libc_version, const std::string& backend = "") {
    plan::PlanRequest request;
    request.recipe = &*parsed;
    request.target = test::target_of("linux", "amd64", "debian", "glibc", "nvidia", "580.65.06");
    request.target.vulkan = "usable";
    request.target.libc_version = libc_version;
    request.backend = backend;
    return plan::generate_plan(request, services);
  };
  SUBCASE("a rung needing a newer glibc is rejected with the reason, the next one chosen") {
    auto outcome = eval("2.36");
    REQUIRE(outcome);
    CHECK(outcome->backend == "vulkan");
    CHECK(outcome->ladder[0].reason == "needs glibc 2.39, this machine has 2.36");
  }
  SUBCASE("a new enough glibc keeps the rung and the plan step carries min_glibc") {
    auto outcome = eval("2.39");
    REQUIRE(outcome);
    CHECK(outcome->backend == "cuda");
    CHECK(outcome->value.steps.value().at(0).min_glibc == "2.39");
  }
  SUBCASE("steps without min_glibc carry no key") {
    auto outcome = eval("2.36");
    REQUIRE(outcome);
    CHECK(outcome->value.steps.value().at(0).min_glibc.empty());
    CHECK_FALSE(outcome->value.steps.value().at(0).params.contains("min_glibc"));
  }
  SUBCASE("an explicit backend needing more fails before any download") {
    auto outcome = eval("2.36", "cuda");
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().kind == ErrorKind::install);
    CHECK(outcome.error().message.find("needs glibc 2.39, this machine has 2.36") != std::string::npos);
  }
}
