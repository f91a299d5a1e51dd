// Decomposition of a composite step into primitives: each composite's own decomposer
// (recipe/action_behaviour.hpp, defined with the action in lib/actions/).
#include "plan/decompose.hpp"

#include "recipe/action_behaviour.hpp"

namespace tailor::plan {

Result<std::vector<PlanStep>> decompose(const recipe::Step& step, const DecomposeContext& context) {
  const std::optional<recipe::ActionKind> kind = recipe::action_kind(step.action);
  if (kind) {
    if (auto decomposer = recipe::action_behaviour(*kind).decompose) return decomposer(step, context);
  }
  return fail(ErrorKind::internal, "action '{}' is not a composite", step.action);
}

}  // namespace tailor::plan
