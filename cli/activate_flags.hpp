#pragma once
// What `tailor rollback` and `tailor activate` share (cli/cmd_rollback.cpp).
#include <string>

#include "command.hpp"

namespace tailor::cli {

struct ActivateFlags {
  std::string tool;
  std::string version;  // activate only
  std::string lock_timeout;
  std::string lock_token;
  bool json = false;
};

// --lock-timeout, --lock-token and --json.
void add_activate_flags(CLI::App& app, ActivateFlags& flags);

// Activates flags.version of flags.tool, or (rollback) its previous version, and prints
// "TOOL FROM -> TO".
Result<int> run_activate(const ActivateFlags& flags, bool rollback, const Context& ctx);

}  // namespace tailor::cli
