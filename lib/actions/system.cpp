// System packages, requirements and commands (docs/actions.md, "System packages"): checked
// before anything starts (install/system_deps.cpp) and skipped when the steps run, or carried in
// plans for the user to follow (manual, run_command).
#include <algorithm>
#include <regex>

#include "actions/action.hpp"
#include "recipe/validate_actions.hpp"

namespace tailor::actions {
namespace {

using namespace recipe::detail;

// Parameter checks (tailor validate)

bool valid_unit_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '.' || ch == '_' || ch == '-' || ch == '@';
  });
}

bool valid_command_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '.' || ch == '_' || ch == '-' || ch == '+';
  });
}

void check_require(const StepCheck& s, bool legacy) {
  const std::string command = s.str("command");
  if (command.empty())
    s.error(fmt::format("{} requires 'command' parameter", s.step.action));
  else if (!legacy && !valid_command_name(command))
    s.error(fmt::format("command '{}' must be a single command name", command));
  if (legacy && s.has("install_guide")) s.error("install_guide was removed; describe installation with a manual step");
  if (!s.missing("min_version") && (s.missing("version_flag") || s.missing("version_regex")))
    s.error("min_version requires both version_flag and version_regex");
  const std::string regex = s.str("version_regex");
  if (!legacy && !regex.empty()) {
    try {
      std::regex compiled(regex);
    } catch (const std::regex_error& e) {
      s.error(fmt::format("version_regex '{}' does not compile: {}", regex, e.what()));
    }
  }
}

void check_unit(const StepCheck& s, std::string_view key) {
  const std::string value = s.str(key);
  if (value.empty())
    s.error(fmt::format("{} requires '{}' parameter", s.step.action, key));
  else if (!valid_unit_name(value))
    s.error(fmt::format("{} '{}' contains invalid characters", key, value));
}

void check_system_packages(const StepCheck& s) {
  if (s.missing("packages")) s.error(fmt::format("{} requires non-empty 'packages' parameter", s.step.action));
}

void check_package_repo(const StepCheck& s) {
  for (std::string_view key : {"url", "key_url", "key_sha256"}) s.require(key);
  for (std::string_view key : {"url", "key_url"}) {
    const std::string value = s.str(key);
    if (!value.empty() && !value.starts_with("https://"))
      s.error(fmt::format("{} must use https:// (got: {})", key, value));
  }
}

void check_apt_ppa(const StepCheck& s) { s.require("ppa"); }

void check_require_system(const StepCheck& s) { check_require(s, true); }

void check_require_command(const StepCheck& s) { check_require(s, false); }

void check_group_add(const StepCheck& s) { check_unit(s, "group"); }

void check_service(const StepCheck& s) { check_unit(s, "service"); }

void check_manual(const StepCheck& s) { s.require("text"); }

void check_run_command(const StepCheck& s) {
  s.require("command");
  const std::string command = s.str("command");
  for (std::string_view path : {"~/.tsuku", "$HOME/.tsuku", "${HOME}/.tsuku", ".tsuku/tools/", ".tsuku/bin/"}) {
    if (command.find(path) != std::string::npos) {
      s.warning(fmt::format("command hard-codes the install path '{}'; use the step's variables instead", path));
      break;
    }
  }
}

}  // namespace

using recipe::ActionKind;
using recipe::behaviour_for;

constexpr recipe::ActionBehaviour k_apk_install =
    behaviour_for(ActionKind::apk_install, {.check = check_system_packages});
constexpr recipe::ActionBehaviour k_apt_install =
    behaviour_for(ActionKind::apt_install, {.check = check_system_packages});
constexpr recipe::ActionBehaviour k_brew_cask = behaviour_for(ActionKind::brew_cask, {.check = check_system_packages});
constexpr recipe::ActionBehaviour k_brew_install =
    behaviour_for(ActionKind::brew_install, {.check = check_system_packages});
constexpr recipe::ActionBehaviour k_dnf_install =
    behaviour_for(ActionKind::dnf_install, {.check = check_system_packages});
constexpr recipe::ActionBehaviour k_pacman_install =
    behaviour_for(ActionKind::pacman_install, {.check = check_system_packages});
constexpr recipe::ActionBehaviour k_zypper_install =
    behaviour_for(ActionKind::zypper_install, {.check = check_system_packages});
constexpr recipe::ActionBehaviour k_apt_ppa = behaviour_for(ActionKind::apt_ppa, {.check = check_apt_ppa});
constexpr recipe::ActionBehaviour k_apt_repo = behaviour_for(ActionKind::apt_repo, {.check = check_package_repo});
constexpr recipe::ActionBehaviour k_dnf_repo = behaviour_for(ActionKind::dnf_repo, {.check = check_package_repo});
constexpr recipe::ActionBehaviour k_group_add = behaviour_for(ActionKind::group_add, {.check = check_group_add});
constexpr recipe::ActionBehaviour k_manual = behaviour_for(ActionKind::manual, {.check = check_manual});
constexpr recipe::ActionBehaviour k_require_command =
    behaviour_for(ActionKind::require_command, {.check = check_require_command});
constexpr recipe::ActionBehaviour k_require_system =
    behaviour_for(ActionKind::require_system, {.check = check_require_system});
constexpr recipe::ActionBehaviour k_run_command = behaviour_for(ActionKind::run_command, {.check = check_run_command});
constexpr recipe::ActionBehaviour k_service_enable =
    behaviour_for(ActionKind::service_enable, {.check = check_service});
constexpr recipe::ActionBehaviour k_service_start = behaviour_for(ActionKind::service_start, {.check = check_service});

}  // namespace tailor::actions
