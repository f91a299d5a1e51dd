#pragma once
// What the files of lib/actions/ share: the behaviour value each defines for its actions
// (recipe/action_behaviour.hpp), and the adapter of executors that read only their parameters.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "install/steps.hpp"
#include "plan/plan_model.hpp"
#include "recipe/action_behaviour.hpp"
#include "util/result.hpp"

namespace tailor::actions {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

// An executor that needs the step's parameters and the work directory, not the plan step.
template <Status (*Run)(const ordered_json& params, install::StepContext& context)>
Status params_only(const plan::PlanStep& /*step*/, const ordered_json& params, install::StepContext& context) {
  return Run(params, context);
}

}  // namespace tailor::actions
