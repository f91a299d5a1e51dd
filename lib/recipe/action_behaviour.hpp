#pragma once
// What each action does in each layer, as one value per action: its parameter checks
// (recipe/), its decomposition (plan/), its executor (install/). The values are defined in
// lib/actions/, one file per action or per family of actions, and the catalog line in
// recipe/action_list.hpp declares them: an action without its value does not link, and a value
// that does not fit its catalog line does not compile (behaviour_for). The layers below
// lib/actions/ reach the behaviour through action_behaviour(kind) and never include lib/actions/
// (docs/ARCHITECTURE.md, "How to add an action").
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "recipe/actions.hpp"
#include "util/result.hpp"

namespace tailor::plan {
struct PlanStep;
struct DecomposeContext;
}  // namespace tailor::plan
namespace tailor::install {
struct StepContext;
struct PlacedContext;
}  // namespace tailor::install

namespace tailor::recipe {
struct Step;
namespace detail {
struct StepCheck;
}  // namespace detail

struct ActionBehaviour {
  // recipe/: the parameter checks of `tailor validate` beyond the common ones (none: no checks).
  void (*check)(const detail::StepCheck& step) = nullptr;
  // plan/: the primitive steps a composite stands for. Exactly the composites have one.
  Result<std::vector<plan::PlanStep>> (*decompose)(const Step& step, const plan::DecomposeContext& context) = nullptr;
  // install/: runs the step in the work directory. Exactly the actions marked `runs`.
  Status (*execute)(const plan::PlanStep& step, const nlohmann::ordered_json& params,
                    install::StepContext& context) = nullptr;
  // install/: runs the step once the build is in its version directory. Exactly the actions
  // marked `placed` (docs/actions.md, "Steps that run in place").
  Status (*place)(const nlohmann::ordered_json& params, const install::PlacedContext& context) = nullptr;
  // The action the value belongs to; behaviour_for sets it.
  ActionKind kind{};
};

// `behaviour` as the value of action `kind`, checked against its catalog line when the action's
// file is compiled: a composite decomposes and nothing else does; an action marked `runs` has
// an executor, one marked `placed` has a placed executor, and no other action has either. A
// mismatch is a compile error (a `throw` in a constant evaluation; the message is below it).
consteval ActionBehaviour behaviour_for(ActionKind kind, ActionBehaviour behaviour) {
  const ActionTraits& traits = action_traits(kind);
  if ((traits.klass == ActionClass::composite) != (behaviour.decompose != nullptr))
    throw "a composite action needs `decompose`, and only a composite may have one";
  if ((traits.execution == ActionExecution::runs) != (behaviour.execute != nullptr))
    throw "an action marked `runs` needs `execute`, and only such an action may have one";
  if ((traits.execution == ActionExecution::placed) != (behaviour.place != nullptr))
    throw "an action marked `placed` needs `place`, and only such an action may have one";
  behaviour.kind = kind;
  return behaviour;
}

// The behaviour of `kind`.
const ActionBehaviour& action_behaviour(ActionKind kind);

}  // namespace tailor::recipe

// One value per catalog line, named k_<action>, defined in lib/actions/.
namespace tailor::actions {
// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define TAILOR_DECLARE_ACTION_BEHAVIOUR(name, ...) extern const recipe::ActionBehaviour k_##name;
TAILOR_ACTIONS(TAILOR_DECLARE_ACTION_BEHAVIOUR)
#undef TAILOR_DECLARE_ACTION_BEHAVIOUR
// NOLINTEND(cppcoreguidelines-macro-usage)
}  // namespace tailor::actions
