// The actions that set up a tool's shell and data files: install_shell_init and
// install_program_files, which run once the build is in its version directory (their executors
// are install/steps_placed.cpp's, which activation and removal share), and install_completions,
// which this tailor carries in plans without running (docs/actions.md, "Steps that run in place").
#include "actions/action.hpp"
#include "recipe/validate_actions.hpp"

namespace tailor::actions {
namespace {

using namespace recipe::detail;

// Parameter checks (tailor validate)

void check_shell_files(const StepCheck& s) {
  if (s.missing("source_file") == s.missing("source_command"))
    s.error(fmt::format("{} requires exactly one of 'source_file' and 'source_command'", s.step.action));
  s.require("target");
  if (const nlohmann::json* shells = param(s.step, "shells"); shells != nullptr && shells->is_array()) {
    for (const auto& shell : *shells) {
      std::string name = shell.is_string() ? shell.get<std::string>() : shell.dump();
      if (name != "bash" && name != "zsh" && name != "fish")
        s.error(fmt::format("unsupported shell '{}' (supported: bash, zsh, fish)", name));
    }
  }
}

void check_install_program_files(const StepCheck& s) {
  if (s.missing("files")) return s.error("install_program_files requires non-empty 'files' parameter");
  const nlohmann::json* files = param(s.step, "files");
  if (!files->is_array()) return;
  for (const auto& entry : *files) {
    std::vector<std::string> paths;
    if (entry.is_string()) paths.push_back(entry.get<std::string>());
    if (entry.is_object())
      for (const char* key : {"src", "dest"})
        if (entry.contains(key) && entry[key].is_string()) paths.push_back(entry[key].get<std::string>());
    for (const std::string& path : paths)
      if (path.starts_with("/") || path.find("..") != std::string::npos)
        s.error(fmt::format("files entry '{}' must be a relative path without '..'", path));
  }
}

}  // namespace

using recipe::ActionKind;
using recipe::behaviour_for;

constexpr recipe::ActionBehaviour k_install_completions =
    behaviour_for(ActionKind::install_completions, {.check = check_shell_files});
constexpr recipe::ActionBehaviour k_install_program_files = behaviour_for(
    ActionKind::install_program_files, {.check = check_install_program_files, .place = install::install_program_files});
constexpr recipe::ActionBehaviour k_install_shell_init =
    behaviour_for(ActionKind::install_shell_init, {.check = check_shell_files, .place = install::install_shell_init});

}  // namespace tailor::actions
