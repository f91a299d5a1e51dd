#pragma once
// System package-manager steps and require_command (docs/actions.md, "System packages and `require_command`"):
// read-only checks only, never sudo or a package manager's install command. When something is missing the install stops
// before touching anything and names the command to run.
#include <string>
#include <vector>

#include "plan/plan_model.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

// True for the actions this module checks instead of executing.
bool is_system_action(const std::string& action);

// Checks every system step and require_command of `plan` and its dependencies. Prints
// `manual` texts and instructions to `output.err`. Missing packages or commands fail with
// ErrorKind::system_deps and a message holding one copy-pasteable command per manager.
Status check_system_requirements(const plan::Plan& plan, const util::Output& output);

// The prefix for root commands: "" for uid 0, else "sudo " or "doas " when on PATH, else "".
std::string root_prefix();

// Compares dotted versions, missing parts counting as 0 (docs/actions.md, "System packages and `require_command`");
// a leading 'v' is ignored; numeric components compare as numbers, others as strings. Returns <0, 0, >0.
int compare_versions_padded(std::string a, std::string b);

}  // namespace tailor::install
