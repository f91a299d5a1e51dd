#pragma once
// `tailor shellenv` (docs/user-guide.md, "Shell set-up"): the shell lines that put
// $TAILOR_HOME/bin on PATH, export the `set_env` values of the installed tools and source their
// shell init fragments. Evaluating them twice leaves the shell as evaluating them once did.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "install/layout.hpp"
#include "install/state.hpp"
#include "util/result.hpp"

namespace tailor::app {

enum class Shell { bash, zsh, fish, posix };

// The names `--shell` takes, in the order help and completions list them.
const std::vector<std::string_view>& shell_names();
std::string_view shell_name(Shell shell);
// A --shell value; unknown names are ErrorKind::usage with the closest known one.
Result<Shell> parse_shell(std::string_view name);
// The shell $SHELL names (its file name: /usr/bin/zsh is zsh); posix for anything else.
Shell shell_from_env(std::string_view shell_variable);

// One variable a `set_env` step of an installed tool sets.
struct ToolVariable {
  std::string tool;
  std::string name;
  std::string value;
};

// The `set_env` variables of the active version of every installed tool, by tool name and in
// step order; `{install_dir}` in a value becomes that version's directory.
std::vector<ToolVariable> installed_variables(const install::Layout& layout, const install::State& state);

// One shell init fragment an install_shell_init step of an installed tool wrote.
struct ToolFragment {
  std::string key;  // <tool>@<version>/<target>: a second evaluation skips what the first sourced
  std::filesystem::path file;
};

// The fragments for `shell` of the active version of every installed tool, by tool name and in
// step order: only those its plan names and that exist. None for posix (fragments are written
// for bash, zsh or fish).
std::vector<ToolFragment> installed_fragments(const install::Layout& layout, const install::State& state, Shell shell);

// The script for `shell`: PATH first (only when `bin` is not on it yet), then the variables,
// then each fragment sourced once per shell session. Values are quoted so the shell takes them
// literally.
std::string shellenv_script(Shell shell, const std::filesystem::path& bin, const std::vector<ToolVariable>& variables,
                            const std::vector<ToolFragment>& fragments = {});

struct ShellEnv {
  std::string script;
  std::string warning;  // why the tools' variables are missing; "" when none are
};

// Reads state.json (a missing file is an empty state) and builds the script. A state.json that
// cannot be read still gives the PATH lines, with the reason as a warning: a shell start-up
// file should not lose PATH over it.
ShellEnv shellenv(const install::Layout& layout, Shell shell);

}  // namespace tailor::app
