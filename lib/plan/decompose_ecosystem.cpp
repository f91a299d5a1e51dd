// Decomposition of the ecosystem composites. They need their toolchain at plan time to capture
// a lock: tailor reuses the step of a captured lock (--pin-from), and for every composite but
// nix_install asks the EcosystemLocker of the plan services to capture one (docs/install.md).
#include "plan/decompose_support.hpp"

namespace tailor::plan::detail {
namespace {

Decomposition from_lock(const recipe::Step& recipe_step, const DecomposeContext& context, K primitive_kind) {
  if (context.lock != nullptr) {
    auto it = context.lock->steps.find(context.tool);
    if (it != context.lock->steps.end() && context.first_step_index < it->second.size() &&
        recipe::is_action(it->second[context.first_step_index].action, primitive_kind)) {
      return std::vector<PlanStep>{primitive(primitive_kind, it->second[context.first_step_index].params)};
    }
  }
  return fail(ErrorKind::failure,
              "{} needs its ecosystem toolchain at plan time to capture a lock, which tailor does not run; "
              "pass --pin-from a plan that has the {} step",
              recipe_step.action, recipe::action_name(primitive_kind));
}

// The step of a lock, else one the locker captures (when planning online).
Decomposition from_lock_or_capture(const recipe::Step& step, const DecomposeContext& context, K primitive_kind) {
  auto locked = from_lock(step, context, primitive_kind);
  if (locked || context.locker == nullptr) return locked;
  auto params = context.locker->capture({step.action, context.tool, context.version, step.params});
  if (!params) return fail(params.error());
  return std::vector<PlanStep>{primitive(primitive_kind, std::move(*params))};
}

}  // namespace

Decomposition decompose_cargo_install(const recipe::Step& step, const DecomposeContext& context) {
  return from_lock_or_capture(step, context, K::cargo_build);
}

Decomposition decompose_gem_install(const recipe::Step& step, const DecomposeContext& context) {
  return from_lock_or_capture(step, context, K::gem_exec);
}

Decomposition decompose_go_install(const recipe::Step& step, const DecomposeContext& context) {
  return from_lock_or_capture(step, context, K::go_build);
}

Decomposition decompose_nix_install(const recipe::Step& step, const DecomposeContext& context) {
  return from_lock(step, context, K::nix_realize);
}

Decomposition decompose_npm_install(const recipe::Step& step, const DecomposeContext& context) {
  return from_lock_or_capture(step, context, K::npm_exec);
}

Decomposition decompose_pipx_install(const recipe::Step& step, const DecomposeContext& context) {
  return from_lock_or_capture(step, context, K::pip_exec);
}

}  // namespace tailor::plan::detail
