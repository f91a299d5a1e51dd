#pragma once
// Each cli/cmd_<verb>.cpp registers one subcommand: it binds CLI11 options into a plain
// options struct and returns the function that calls the library.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::cli {

struct Context {
  util::Output output;
};

using RunFn = std::function<Result<int>()>;
using SetupFn = std::function<RunFn(CLI::App& command, Context& context)>;

struct CommandDef {
  std::string name;
  std::string description;
  SetupFn setup;
};

// Adds a command to the program; called from a static initialiser in each cmd_*.cpp.
bool register_command(CommandDef def);
const std::vector<CommandDef>& registered_commands();

// The first word of the command line that is not a flag: the command the user asked for,
// or "" (all of tailor's global options are flags, so no value can be mistaken for it).
std::string invoked_command(int argc, char** argv);

}  // namespace tailor::cli
