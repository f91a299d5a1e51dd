#include "command.hpp"

#include <algorithm>

namespace tailor::cli {
namespace {
std::vector<CommandDef>& registry() {
  static std::vector<CommandDef> commands;
  return commands;
}
}  // namespace

bool register_command(CommandDef def) {
  auto& commands = registry();
  commands.push_back(std::move(def));
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return true;
}

const std::vector<CommandDef>& registered_commands() { return registry(); }

std::string invoked_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') return argv[i];
  }
  return "";
}

}  // namespace tailor::cli
