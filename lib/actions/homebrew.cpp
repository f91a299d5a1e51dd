// Homebrew bottles: the composite homebrew (the bottle from the lock or the resolver,
// extracted and relocated) and homebrew_relocate, which this tailor cannot run yet
// (docs/actions.md).
#include "actions/action.hpp"
#include "plan/decompose_support.hpp"
#include "recipe/validate_actions.hpp"
#include "util/strings.hpp"

namespace tailor::actions {
namespace {

using namespace recipe::detail;
using namespace plan;
using namespace plan::detail;

// Parameter checks (tailor validate)

void check_homebrew(const StepCheck& s) { s.require("formula"); }

// Decomposition

Decomposition decompose_homebrew(const recipe::Step& recipe_step, const DecomposeContext& context) {
  std::string formula = param_string(recipe_step.params, "formula");
  if (formula.empty()) return fail(ErrorKind::failure, "homebrew: formula is required");
  if (formula.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_@.") !=
          std::string::npos ||
      formula.find("..") != std::string::npos) {
    return fail(ErrorKind::failure, "homebrew: invalid formula name '{}'", formula);
  }
  PlanStep file = primitive(K::download_file, json::object());
  const std::string ghcr_path = "/homebrew/core/" + util::replace_all(formula, "@", "/") + "/blobs/";
  const LockedStep* locked = locked_step_at(context, context.first_step_index);
  if (locked != nullptr && locked->url.find(ghcr_path) != std::string::npos) {
    file.url = locked->url;
    file.checksum = locked->checksum;
    file.size = locked->size;
  } else if (context.resolver != nullptr && !context.artifacts->offline()) {
    auto bottle = context.resolver->homebrew_bottle(formula, context.version_tag, context.os, context.arch);
    if (!bottle) return fail(bottle.error());
    file.url = bottle->url;
    file.checksum = bottle->digest;
    file.size = bottle->size;
  } else {
    return fail(ErrorKind::network, "homebrew bottle of '{}' {} for {}/{} is not in the lock", formula,
                context.version_tag, context.os, context.arch);
  }
  file.params = {{"url", file.url}, {"dest", formula + ".tar.gz"}, {"checksum", file.checksum}};
  std::vector<PlanStep> steps{file};
  steps.push_back(primitive(K::extract, {{"archive", formula + ".tar.gz"}, {"format", "tar.gz"}, {"strip_dirs", 2}}));
  steps.push_back(primitive(K::homebrew_relocate, {{"formula", formula}}));
  return steps;
}

}  // namespace

using recipe::ActionKind;
using recipe::behaviour_for;

constexpr recipe::ActionBehaviour k_homebrew =
    behaviour_for(ActionKind::homebrew, {.check = check_homebrew, .decompose = decompose_homebrew});
constexpr recipe::ActionBehaviour k_homebrew_relocate = behaviour_for(ActionKind::homebrew_relocate, {});

}  // namespace tailor::actions
