// Every action of the catalog through the install layer's dispatch (install/steps.cpp) to the
// executor its behaviour names (lib/actions/).
#include <doctest/doctest.h>

#include "install/steps.hpp"
#include "recipe/actions.hpp"
#include "support/scratch.hpp"

using namespace tailor;

namespace {

plan::PlanStep step_of(std::string action, nlohmann::json params = nlohmann::json::object()) {
  plan::PlanStep step;
  step.action = std::move(action);
  step.params = std::move(params);
  return step;
}

}  // namespace

TEST_CASE("run_step") {
  util::Output output;
  for (const recipe::ActionInfo& action : recipe::all_actions()) {
    CAPTURE(action.name);
    install::StepContext ctx;
    ctx.work = test::fresh_dir("steps");
    ctx.tool = "tool";
    ctx.version = "1.0";
    ctx.output = &output;
    const Status result = install::run_step(step_of(std::string(action.name)), ctx);
    const bool unsupported =
        !result && result.error().message.find("is not supported by this tailor") != std::string::npos;
    switch (action.execution) {
    case recipe::ActionExecution::runs:
      // Dispatched to its executor: empty parameters either do nothing or fail with that
      // executor's own error.
      CHECK(install::has_executor(action.kind));
      CHECK_FALSE(unsupported);
      break;
    case recipe::ActionExecution::placed:
      // Skipped in the work directory; run_placed_step runs it once the build is in place.
      CHECK(install::has_executor(action.kind));
      CHECK(install::has_placed_executor(action.kind));
      CHECK(result.has_value());
      break;
    case recipe::ActionExecution::checked:
      CHECK_FALSE(install::has_executor(action.kind));
      CHECK(result.has_value());
      break;
    case recipe::ActionExecution::none:
      CHECK_FALSE(install::has_executor(action.kind));
      CHECK(unsupported);
      CHECK(result.error().kind == ErrorKind::install);
      break;
    }
  }
}

TEST_CASE("run_step executes chmod and set_env on real files") {
  util::Output output;
  install::StepContext ctx;
  ctx.work = test::fresh_dir("steps-real");
  ctx.tool = "tool";
  ctx.version = "1.0";
  ctx.output = &output;
  test::write_text(ctx.work / "tool", "#!/bin/sh\n");
  REQUIRE(install::run_step(step_of("chmod", {{"files", {"tool"}}, {"mode", "0750"}}), ctx));
  CHECK((std::filesystem::status(ctx.work / "tool").permissions() & std::filesystem::perms::all) ==
        static_cast<std::filesystem::perms>(0750));
  REQUIRE(
      install::run_step(step_of("set_env", {{"vars", nlohmann::json::array({{{"name", "A"}, {"value", "b"}}})}}), ctx));
  CHECK(test::read_text(ctx.work / ".install" / ".tailor" / "env") == "export A=\"b\"\n");
}
