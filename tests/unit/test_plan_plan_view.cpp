// What `tailor plan` prints for people (lib/plan/plan_view.cpp).
#include <doctest/doctest.h>

#include "plan/plan_view.hpp"
#include "plan/planner.hpp"

using namespace tailor;

namespace {

plan::PlanStep download(const std::string& url, const std::string& checksum) {
  plan::PlanStep step;
  step.action = "download_file";
  step.url = url;
  step.checksum = checksum;
  step.size = 10;
  return step;
}

bool says(const std::string& text, const std::string& line) { return text.find(line) != std::string::npos; }

}  // namespace

TEST_CASE("describe_plan") {
  plan::PlanOutcome outcome;
  outcome.value.tool = "hello";
  outcome.value.version = "1.0.0";
  outcome.value.platform = {.os = "linux", .arch = "amd64", .gpu = tuple::GpuVendor::none};
  outcome.value.steps = std::vector<plan::PlanStep>{download("https://h/a.tar.gz", std::string(64, 'a'))};

  SUBCASE("deterministic only when every download is hashed") {
    CHECK(says(plan::describe_plan(outcome, false), "deterministic: yes\n"));
    plan::DependencyPlan dep;
    dep.tool = "lib";
    dep.version = "2";
    dep.steps = std::vector<plan::PlanStep>{download("https://h/lib.tar.gz", "")};
    outcome.value.dependencies.push_back(dep);
    CHECK(says(plan::describe_plan(outcome, false),
               "deterministic: no (1 download without a checksum yet; plan with network access to hash it)\n"));
    outcome.value.steps->push_back(download("https://h/b.tar.gz", ""));
    CHECK(says(plan::describe_plan(outcome, false), "deterministic: no (2 downloads without a checksum yet;"));
  }
  SUBCASE("a library installed as a directory shows that it has no binaries, not null") {
    plan::PlanStep install;
    install.action = "install_binaries";
    install.params = {{"binaries", nullptr}, {"install_mode", "directory"}};
    outcome.value.steps->push_back(install);
    const std::string text = plan::describe_plan(outcome, false);
    CHECK(says(text, "2. install_binaries: (no binaries) mode directory\n"));
    CHECK_FALSE(says(text, "null"));
  }
  SUBCASE("a plan tsuku calls non-deterministic stays so") {
    outcome.value.deterministic = false;
    CHECK(says(plan::describe_plan(outcome, false), "deterministic: no\n"));
  }
}
