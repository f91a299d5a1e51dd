#include "install/link_owners.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "install/links.hpp"

namespace tailor::install {
namespace fs = std::filesystem;

std::vector<CommandOwner> command_providers(const State& state, const std::string& command) {
  struct Candidate {
    CommandOwner owner;
    std::string installed_at;
  };
  std::vector<Candidate> found;
  for (const auto& [name, tool] : state.installed) {
    if (tool.is_hidden) continue;
    auto active = tool.versions.find(tool.active_version);
    if (active == tool.versions.end()) continue;
    for (const auto& binary : active->second.binaries) {
      if (fs::path(binary).filename() != command) continue;
      found.push_back({{name, tool.active_version, binary}, active->second.installed_at});
      break;
    }
  }
  // state.installed is sorted by name, so a stable sort keeps equal times alphabetical.
  std::stable_sort(found.begin(), found.end(),
                   [](const Candidate& a, const Candidate& b) { return a.installed_at > b.installed_at; });
  std::vector<CommandOwner> out;
  out.reserve(found.size());
  for (auto& candidate : found) out.push_back(std::move(candidate.owner));
  return out;
}

std::optional<CommandOwner> command_owner(const State& state, const std::string& command) {
  auto providers = command_providers(state, command);
  if (providers.empty()) return std::nullopt;
  return providers.front();
}

std::vector<std::string> relink_to_owners(const Layout& layout, const State& state,
                                          const std::vector<std::string>& commands) {
  std::vector<std::string> made;
  for (const auto& command : commands) {
    fs::path link = layout.bin() / command;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(link, ec))) continue;
    auto owner = command_owner(state, command);
    if (!owner) continue;
    if (replace_symlink(link, layout.tool_dir(owner->tool, owner->version) / owner->binary)) {
      made.push_back(fmt::format("{} -> {}@{}", command, owner->tool, owner->version));
    }
  }
  return made;
}

std::vector<std::string> command_link_problems(const Layout& layout, const State& state, const std::string& tool) {
  std::vector<std::string> problems;
  std::set<std::string> seen;  // a command several tools provide is reported once
  for (const auto& [name, installed] : state.installed) {
    if (installed.is_hidden || (!tool.empty() && name != tool)) continue;  // hidden tools have no links
    auto active = installed.versions.find(installed.active_version);
    if (active == installed.versions.end()) continue;
    for (const auto& binary : active->second.binaries) {
      std::string command = fs::path(binary).filename().string();
      if (!seen.insert(command).second) continue;
      fs::path link = layout.bin() / command;
      std::error_code ec;
      std::string label = fmt::format("{}@{}", name, installed.active_version);
      if (!fs::exists(fs::symlink_status(link, ec))) {
        problems.push_back(fmt::format("{}: {} is missing", label, link.string()));
        continue;
      }
      if (!fs::is_symlink(link, ec)) {
        problems.push_back(fmt::format("{}: {} is not a link made by tailor", label, link.string()));
        continue;
      }
      fs::path target = fs::read_symlink(link, ec);
      auto providers = command_providers(state, command);
      bool owned = std::any_of(providers.begin(), providers.end(), [&](const CommandOwner& p) {
        return target == layout.tool_dir(p.tool, p.version) / p.binary;
      });
      if (!owned) {
        problems.push_back(fmt::format("{}: {} points to {}, which no installed tool provides", label, link.string(),
                                       target.string()));
      }
    }
  }
  return problems;
}

}  // namespace tailor::install
