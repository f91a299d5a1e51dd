// The ecosystem actions (docs/install.md, "Ecosystem installs"): the composites cargo_install,
// gem_install, go_install, npm_install, pipx_install and nix_install, which need their toolchain
// at plan time to capture a lock, the primitives they plan into (their executors are
// install/ecosystem_*.cpp), and the builds this tailor plans but cannot run yet.
#include "install/ecosystem.hpp"
#include "actions/action.hpp"
#include "plan/decompose_support.hpp"
#include "recipe/validate_actions.hpp"

namespace tailor::actions {
namespace {

using namespace recipe::detail;
using namespace plan;
using namespace plan::detail;

// Parameter checks (tailor validate)

void check_package_install(const StepCheck& s) {
  s.require("package");
  s.require("executables");
}

void check_cargo_install(const StepCheck& s) {
  s.require("crate");
  s.require("executables");
}

void check_gem_install(const StepCheck& s) {
  s.require("gem");
  s.require("executables");
}

void check_go_install(const StepCheck& s) {
  s.require("module");
  s.require("executables");
}

void check_cpan_install(const StepCheck& s) {
  s.require("distribution");
  s.require("executables");
}

void check_configure_make(const StepCheck& s) {
  s.require("source_dir");
  if (s.has("skip_configure") && s.missing("make_args")) s.warning("skip_configure is set but make_args is empty");
}

// Decomposition

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

}  // namespace

using recipe::ActionKind;
using recipe::behaviour_for;

constexpr recipe::ActionBehaviour k_cargo_build =
    behaviour_for(ActionKind::cargo_build, {.execute = params_only<install::cargo_build>});
constexpr recipe::ActionBehaviour k_cargo_install =
    behaviour_for(ActionKind::cargo_install, {.check = check_cargo_install, .decompose = decompose_cargo_install});
constexpr recipe::ActionBehaviour k_cmake_build = behaviour_for(ActionKind::cmake_build, {});
constexpr recipe::ActionBehaviour k_configure_make =
    behaviour_for(ActionKind::configure_make, {.check = check_configure_make});
constexpr recipe::ActionBehaviour k_cpan_install =
    behaviour_for(ActionKind::cpan_install, {.check = check_cpan_install});
constexpr recipe::ActionBehaviour k_gem_exec =
    behaviour_for(ActionKind::gem_exec, {.execute = params_only<install::gem_exec>});
constexpr recipe::ActionBehaviour k_gem_install =
    behaviour_for(ActionKind::gem_install, {.check = check_gem_install, .decompose = decompose_gem_install});
constexpr recipe::ActionBehaviour k_go_build =
    behaviour_for(ActionKind::go_build, {.execute = params_only<install::go_build>});
constexpr recipe::ActionBehaviour k_go_install =
    behaviour_for(ActionKind::go_install, {.check = check_go_install, .decompose = decompose_go_install});
constexpr recipe::ActionBehaviour k_install_gem_direct = behaviour_for(ActionKind::install_gem_direct, {});
constexpr recipe::ActionBehaviour k_meson_build = behaviour_for(ActionKind::meson_build, {});
constexpr recipe::ActionBehaviour k_nix_install =
    behaviour_for(ActionKind::nix_install, {.decompose = decompose_nix_install});
constexpr recipe::ActionBehaviour k_nix_realize = behaviour_for(ActionKind::nix_realize, {});
constexpr recipe::ActionBehaviour k_npm_exec =
    behaviour_for(ActionKind::npm_exec, {.execute = params_only<install::npm_exec>});
constexpr recipe::ActionBehaviour k_npm_install =
    behaviour_for(ActionKind::npm_install, {.check = check_package_install, .decompose = decompose_npm_install});
constexpr recipe::ActionBehaviour k_pip_exec =
    behaviour_for(ActionKind::pip_exec, {.execute = params_only<install::pip_exec>});
constexpr recipe::ActionBehaviour k_pip_install = behaviour_for(ActionKind::pip_install, {});
constexpr recipe::ActionBehaviour k_pipx_install =
    behaviour_for(ActionKind::pipx_install, {.check = check_package_install, .decompose = decompose_pipx_install});
constexpr recipe::ActionBehaviour k_setup_build_env = behaviour_for(ActionKind::setup_build_env, {});

}  // namespace tailor::actions
