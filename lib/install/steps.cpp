// Runs one plan step in the work directory with the executor its action defines
// (recipe/action_behaviour.hpp; the executors live with their actions in lib/actions/).
#include "install/steps.hpp"

#include "install/step_params.hpp"
#include "recipe/action_behaviour.hpp"
#include "util/sha256.hpp"

namespace tailor::install {
using nlohmann::ordered_json;

std::optional<fetch::FetchRequest> download_request(const plan::PlanStep& step) {
  if (!recipe::is_action(step.action, recipe::ActionKind::download_file)) return std::nullopt;
  const ordered_json params = plan::to_ordered(step.params);
  std::string checksum = util::normalize_checksum(string_param(params, "checksum", step.checksum));
  std::string algo = string_param(params, "checksum_algo", "sha256");
  return fetch::FetchRequest{string_param(params, "url", step.url), string_list(params, "fallback_urls"),
                             algo == "sha256" ? checksum : "", step.size};
}

bool has_executor(recipe::ActionKind kind) {
  const recipe::ActionBehaviour& behaviour = recipe::action_behaviour(kind);
  return behaviour.execute != nullptr || behaviour.place != nullptr;
}

Status run_step(const plan::PlanStep& step, StepContext& ctx) {
  const std::string& action = step.action;
  const ordered_json params = plan::to_ordered(step.params);
  ctx.output->debug("{}@{}: {}", ctx.tool, ctx.version, action);
  if (const std::optional<recipe::ActionKind> kind = recipe::action_kind(action)) {
    if (auto run = recipe::action_behaviour(*kind).execute) return run(step, params, ctx);
    const recipe::ActionExecution execution = recipe::action_traits(*kind).execution;
    if (execution == recipe::ActionExecution::checked || execution == recipe::ActionExecution::placed) return {};
  }
  return fail(ErrorKind::install, "{}@{}: step action '{}' is not supported by this tailor yet", ctx.tool, ctx.version,
              action);
}

}  // namespace tailor::install
