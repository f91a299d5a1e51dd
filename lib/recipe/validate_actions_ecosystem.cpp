// Parameter checks of the ecosystem composites and builds.
#include "recipe/validate_actions.hpp"

namespace tailor::recipe::detail {

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

}  // namespace tailor::recipe::detail
