#include <doctest/doctest.h>

#include <filesystem>

#include "plan/plan_read.hpp"
#include "support/scratch.hpp"
#include "util/canonical_json.hpp"

using namespace tailor;
using nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

plan::Plan sample_plan() {
  plan::Plan plan;
  plan.tool = "gizmo";
  plan.version = "1.2.0";
  plan.platform = {.os = "linux",
                   .arch = "amd64",
                   .linux_family = tuple::LinuxFamily::debian,
                   .gpu = tuple::GpuVendor::nvidia,
                   .backend = tuple::Backend::cuda};
  plan.generated_at = "2026-12-06T00:00:00Z";
  plan.recipe_source = "embedded";
  plan::PlanStep step;
  step.action = "download_file";
  step.params = {{"url", "https://example.test/gizmo.tar.gz"}, {"dest", "gizmo.tar.gz"}};
  step.evaluable = true;
  step.deterministic = true;
  step.url = "https://example.test/gizmo.tar.gz";
  step.checksum = "sha256:00ff";
  step.size = 4096;
  step.min_glibc = "2.28";
  plan.steps = std::vector<plan::PlanStep>{step};
  plan::DependencyPlan dep;
  dep.tool = "libgizmo";
  dep.version = "0.9";
  dep.verify = plan::PlanVerify{"libgizmo --version", "0.9", {"a", "b"}, 3, {{"libgizmo -h", "usage"}}};
  dep.recipe_type = "library";
  plan.dependencies = {dep};
  plan.verify.emplace();
  plan.verify->command = "gizmo --version";
  plan.verify->pattern = "{version}";
  plan.binaries = {"bin/gizmo"};
  return plan;
}

}  // namespace

TEST_CASE("plan_from_json") {
  SUBCASE("every golden plan reads back to the same bytes, with no key left over") {
    std::size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(TAILOR_SOURCE_DIR) / "golden" / "plans")) {
      if (entry.path().extension() != ".json") continue;
      const std::string text = test::read_text(entry.path());
      std::vector<std::string> unknown;
      auto plan = plan::plan_from_json(ordered_json::parse(text), &unknown);
      REQUIRE_MESSAGE(plan.has_value(), entry.path().string());
      CHECK_MESSAGE(unknown.empty(), entry.path().string());
      CHECK_MESSAGE(util::canonical_json(plan::plan_to_json(*plan)) == text, entry.path().string());
      ++files;
    }
    CHECK(files > 100);
  }
  SUBCASE("every field of the model survives writing and reading") {
    const plan::Plan plan = sample_plan();
    auto read = plan::plan_from_json(plan::plan_to_json(plan));
    REQUIRE(read.has_value());
    CHECK(*read == plan);
  }
  SUBCASE("a node without steps stays without steps") {
    plan::Plan plan = sample_plan();
    plan.steps.reset();
    plan.dependencies[0].steps.reset();
    const ordered_json doc = plan::plan_to_json(plan);
    CHECK(doc["steps"].is_null());
    auto read = plan::plan_from_json(doc);
    REQUIRE(read.has_value());
    CHECK_FALSE(read->steps.has_value());
    CHECK_FALSE(read->dependencies[0].steps.has_value());
  }
  SUBCASE("a key of the wrong type names its path") {
    ordered_json doc = plan::plan_to_json(sample_plan());
    doc["dependencies"][0]["verify"]["exit_code"] = "three";
    auto read = plan::plan_from_json(doc);
    REQUIRE_FALSE(read.has_value());
    CHECK(read.error().kind == ErrorKind::invalid_input);
    CHECK(read.error().message == "$.dependencies[0].verify.exit_code: an integer is needed");
    doc = plan::plan_to_json(sample_plan());
    doc["steps"][0]["size"] = -1;
    read = plan::plan_from_json(doc);
    REQUIRE_FALSE(read.has_value());
    CHECK(read.error().message == "$.steps[0].size: a non-negative integer is needed");
    doc = plan::plan_to_json(sample_plan());
    doc["binaries"] = ordered_json::array({"bin/gizmo", 7});
    read = plan::plan_from_json(doc);
    REQUIRE_FALSE(read.has_value());
    CHECK(read.error().message == "$.binaries[1]: a string is needed");
    CHECK_FALSE(plan::plan_from_json(ordered_json::array()).has_value());
  }
  SUBCASE("a platform value outside the tuple's tables names its key and the values it takes") {
    const std::pair<const char*, const char*> cases[] = {
        {"linux_family", "$.platform.linux_family: one of debian, rhel, arch, alpine, suse is needed"},
        {"gpu", "$.platform.gpu: one of nvidia, amd, intel, apple, none is needed"},
        {"backend", "$.platform.backend: one of cuda, rocm, sycl, vulkan, metal, cpu is needed"}};
    for (const auto& [key, message] : cases) {
      INFO(key);
      ordered_json doc = plan::plan_to_json(sample_plan());
      doc["platform"][key] = "matrox";
      auto read = plan::plan_from_json(doc);
      REQUIRE_FALSE(read.has_value());
      CHECK(read.error().kind == ErrorKind::invalid_input);
      CHECK(read.error().message == message);
    }
    // The writer leaves out what is not known; an empty name reads the same way.
    ordered_json doc = plan::plan_to_json(sample_plan());
    doc["platform"]["gpu"] = "";
    auto read = plan::plan_from_json(doc);
    REQUIRE(read.has_value());
    CHECK_FALSE(read->platform.gpu.has_value());
  }
  SUBCASE("keys the format does not define are listed by path and left out") {
    ordered_json doc = plan::plan_to_json(sample_plan());
    doc["comment"] = "made by hand";
    doc["steps"][0]["note"] = 1;
    doc["platform"]["libc"] = "glibc";
    std::vector<std::string> unknown;
    auto read = plan::plan_from_json(doc, &unknown);
    REQUIRE(read.has_value());
    CHECK(unknown == std::vector<std::string>{"$.platform.libc", "$.steps[0].note", "$.comment"});
    CHECK(*read == sample_plan());
  }
}
