#include "command.hpp"

#include <algorithm>

namespace tailor::cli {
namespace {
std::vector<CommandDef>& registry() {
  static std::vector<CommandDef> commands;
  return commands;
}
} // namespace

bool register_command(CommandDef def) {
  auto& commands = registry();
  commands.push_back(std::move(def));
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return true;
}

const std::vector<CommandDef>& registered_commands() { return registry(); }

} // namespace tailor::cli
