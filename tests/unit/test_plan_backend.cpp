// The backend ladder (docs/planning.md, "The backend ladder") against a llama.cpp-shaped recipe.
#include <doctest/doctest.h>

#include "plan/planner.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"

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
    request.target = {os, arch, os == "linux" ? "debian" : "", os == "linux" ? "glibc" : "", gpu, driver, "", compute};
    request.backend = backend;
    return plan::generate_plan(request, services);
  }
};

std::string url_of(const plan::PlanOutcome& outcome) { return outcome.plan["steps"][0]["url"].get<std::string>(); }

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
    CHECK(outcome->plan["platform"]["gpu"] == "nvidia");
    CHECK(outcome->plan["platform"]["backend"] == "cuda");
    CHECK(dependency_names(outcome->plan["dependencies"]) ==
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
    CHECK(dependency_names(outcome->plan["dependencies"]) ==
          std::vector<std::string>{"vulkan-loader", "  mesa-vulkan-drivers"});
  }
  SUBCASE("amd gets rocm, intel gets sycl, none gets cpu, apple silicon gets metal") {
    CHECK(f.eval("amd", "")->backend == "rocm");
    CHECK(f.eval("intel", "")->backend == "sycl");
    auto cpu = f.eval("none", "");
    CHECK(cpu->backend == "cpu");
    CHECK_FALSE(cpu->plan.contains("dependencies"));
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
  SUBCASE("explicit cuda with an old driver fails instead of using vulkan") {
    auto outcome = f.eval("nvidia", "535.183.01", "cuda");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message.find("never fall back") != std::string::npos);
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
          "best rung with a build for this machine (compute capability 6.1 rules out the cuda build for gpu_compute "
          ">=7.5)");
  }
  SUBCASE("compute 7.5, the lower bound of the CUDA 13 step, gets CUDA 13") {
    auto outcome = f.eval("nvidia", "580.65.06", "", "linux", "amd64", "7.5");
    REQUIRE(outcome.has_value());
    CHECK(url_of(*outcome).find("cuda-13.0") != std::string::npos);
    CHECK(outcome->ladder[0].reason ==
          "best rung with a build for this machine (compute capability 7.5 rules out the cuda build for gpu_compute "
          "<7.5)");
  }
  SUBCASE("an unknown capability satisfies the range, and the ladder says it was assumed") {
    auto outcome = f.eval("nvidia", "580.65.06");
    REQUIRE(outcome.has_value());
    CHECK(url_of(*outcome).find("cuda-13.0") != std::string::npos);
    CHECK(outcome->ladder[0].reason ==
          "best rung with a build for this machine (compute capability unknown: taken as newer than any, so "
          "gpu_compute >=7.5 holds; --gpu-compute says)");
    CHECK(outcome->plan.dump().find("cuda-12.8") == std::string::npos);  // never the <7.5 step as well
  }
  SUBCASE("a rejected CUDA rung names the driver, the capability and what the steps need") {
    auto outcome = f.eval("nvidia", "560.35.03", "", "linux", "amd64", "6.1");
    REQUIRE(outcome.has_value());
    CHECK(outcome->backend == "vulkan");
    CHECK(outcome->ladder[0].reason ==
          "no step for linux/amd64 with driver 560.35.03 and compute capability 6.1 (needs driver >=570 <580 or "
          "driver >=580, compute capability <7.5 or driver >=580, compute capability >=7.5)");
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
    request.target = {"linux", "amd64", "debian", "glibc", "nvidia", "580.65.06", "usable", ""};
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
    CHECK(outcome->plan["steps"][0]["min_glibc"] == "2.39");
  }
  SUBCASE("steps without min_glibc carry no key") {
    auto outcome = eval("2.36");
    REQUIRE(outcome);
    CHECK_FALSE(outcome->plan["steps"][0].contains("min_glibc"));
    CHECK_FALSE(outcome->plan["steps"][0]["params"].contains("min_glibc"));
  }
  SUBCASE("an explicit backend needing more fails before any download") {
    auto outcome = eval("2.36", "cuda");
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().kind == ErrorKind::install);
    CHECK(outcome.error().message.find("needs glibc 2.39, this machine has 2.36") != std::string::npos);
  }
}
