// A lock reproduces upstream's release tag offline from its own URLs (docs/planning.md, "Locks: `--pin-from PLAN`").
#include <doctest/doctest.h>

#include "plan/pins.hpp"

namespace tailor::plan {
namespace {

Plan plan_with(const std::string& version, const std::string& url) {
  Plan plan;
  plan.tool = "tool";
  plan.version = version;
  PlanStep step;
  step.action = "download_file";
  step.url = url;
  plan.steps = {step};
  DependencyPlan dep;
  dep.tool = "dep";
  dep.version = "2.0";
  PlanStep dep_step;
  dep_step.action = "download_file";
  dep_step.params = {{"url", "https://github.com/o/dep/releases/download/dep-2.0/dep.tgz"}};
  dep.steps = {dep_step};
  plan.dependencies = {dep};
  return plan;
}

TEST_CASE("a lock's GitHub URLs give the release tag of the locked version") {
  Pins lock = pins_from_plan(plan_with("0.14.0", "https://github.com/o/tool/releases/download/v0.14.0/t.tar.zst"));
  CHECK(locked_release_tag(lock, "tool", "0.14.0") == "v0.14.0");
  CHECK(locked_release_tag(lock, "dep", "2.0") == "dep-2.0");
}

TEST_CASE("no tag for another version, a tool the lock lacks, or a URL that is not a release download") {
  Pins lock = pins_from_plan(plan_with("0.14.0", "https://github.com/o/tool/releases/download/v0.14.0/t.tar.zst"));
  CHECK_FALSE(locked_release_tag(lock, "tool", "0.13.0").has_value());
  CHECK_FALSE(locked_release_tag(lock, "other", "0.14.0").has_value());
  Pins plain = pins_from_plan(plan_with("1.0", "https://example.org/files/1.0/t.tgz"));
  CHECK_FALSE(locked_release_tag(plain, "tool", "1.0").has_value());
  Pins mismatch = pins_from_plan(plan_with("1.0", "https://github.com/o/tool/releases/download/nightly/t.tgz"));
  CHECK_FALSE(locked_release_tag(mismatch, "tool", "1.0").has_value());
}

}  // namespace
}  // namespace tailor::plan
