#pragma once
// Who owns a command in $TAILOR_HOME/bin when several installed tools provide it
// (docs/user-guide.md, "Install, list, remove"): the links follow ownership when a tool is removed, and
// `tailor verify` checks them.
#include <optional>
#include <string>
#include <vector>

#include "install/layout.hpp"
#include "install/state.hpp"
#include "util/output.hpp"

namespace tailor::install {

struct CommandOwner {
  std::string tool, version;
  std::string binary;  // relative to the version directory
};

// Every visible (not hidden) installed tool whose active version has a binary named `command`
// (its file name), the most recently installed first (`installed_at` of the active version;
// equal times: tool names in alphabetical order).
std::vector<CommandOwner> command_providers(const State& state, const std::string& command);

// The first of command_providers(), or nullopt when no installed tool provides `command`.
std::optional<CommandOwner> command_owner(const State& state, const std::string& command);

// For each name in `commands` whose bin/ link is missing, points it at the command's owner in
// `state` (nothing when none is left). Returns "command -> tool@version" for each link made.
std::vector<std::string> relink_to_owners(const Layout& layout, const State& state,
                                          const std::vector<std::string>& commands);

// One line per command of `tool` (every visible tool when empty; hidden dependencies have no
// links) whose bin/ link is missing,
// not a symlink, or points somewhere other than the active version of a tool providing it.
std::vector<std::string> command_link_problems(const Layout& layout, const State& state, const std::string& tool);

}  // namespace tailor::install
