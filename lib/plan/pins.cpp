#include "plan/pins.hpp"
#include "recipe/actions.hpp"

namespace tailor::plan {
namespace {

std::string string_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

uint64_t size_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_unsigned()  ? it->get<uint64_t>()
         : it != object.end() && it->is_number_integer() ? static_cast<uint64_t>(it->get<int64_t>())
                                                         : 0;
}

void collect_steps(Pins& lock, const std::string& tool, const nlohmann::json& steps) {
  if (!steps.is_array()) return;
  auto& list = lock.steps[tool];
  if (!list.empty()) return;  // first occurrence wins
  for (const auto& step : steps) {
    if (!step.is_object()) continue;
    LockedStep locked;
    locked.action = string_at(step, "action");
    locked.url = string_at(step, "url");
    locked.checksum = string_at(step, "checksum");
    locked.size = size_at(step, "size");
    if (auto params = step.find("params"); params != step.end() && params->is_object()) locked.params = *params;
    // A download_file without step-level url still names its artifact in params.
    std::string url = locked.url.empty() ? string_at(locked.params, "url") : locked.url;
    if (recipe::is_action(locked.action, recipe::ActionKind::download_file) && !url.empty() &&
        !lock.artifacts.contains(url)) {
      std::string checksum = locked.checksum.empty() ? string_at(locked.params, "checksum") : locked.checksum;
      lock.artifacts[url] = LockedArtifact{checksum, locked.size};
    }
    for (const char* action : {"cargo_build", "go_build", "npm_exec", "pip_exec", "gem_exec", "cpan_install"}) {
      if (locked.action == action && !lock.ecosystem.contains(action)) lock.ecosystem[action] = locked.params;
    }
    list.push_back(std::move(locked));
  }
}

void walk_dependencies(Pins& lock, const nlohmann::json& deps) {
  if (!deps.is_array()) return;
  for (const auto& dep : deps) {
    if (!dep.is_object()) continue;
    std::string tool = string_at(dep, "tool");
    if (!tool.empty() && !lock.versions.contains(tool)) lock.versions[tool] = string_at(dep, "version");
    if (!tool.empty()) {
      if (auto steps = dep.find("steps"); steps != dep.end()) collect_steps(lock, tool, *steps);
    }
    if (auto children = dep.find("dependencies"); children != dep.end()) walk_dependencies(lock, *children);
  }
}

}  // namespace

std::optional<std::string> locked_release_tag(const Pins& lock, const std::string& tool, const std::string& version) {
  auto steps = lock.steps.find(tool);
  auto locked = lock.versions.find(tool);
  const bool same_version =
      tool == lock.tool ? lock.version == version : locked != lock.versions.end() && locked->second == version;
  if (steps == lock.steps.end() || version.empty() || !same_version) return std::nullopt;
  static constexpr std::string_view k_marker = "/releases/download/";
  for (const auto& step : steps->second) {
    std::string url = step.url.empty() ? string_at(step.params, "url") : step.url;
    auto at = url.find(k_marker);
    if (at == std::string::npos) continue;
    auto start = at + k_marker.size();
    auto end = url.find('/', start);
    if (end == std::string::npos) continue;
    std::string tag = url.substr(start, end - start);
    if (tag.size() >= version.size() && tag.ends_with(version)) return tag;
  }
  return std::nullopt;
}

Pins pins_from_plan(const nlohmann::json& plan) {
  Pins lock;
  if (!plan.is_object()) return lock;
  lock.tool = string_at(plan, "tool");
  lock.version = string_at(plan, "version");
  if (auto platform = plan.find("platform"); platform != plan.end() && platform->is_object()) {
    lock.os = string_at(*platform, "os");
    lock.arch = string_at(*platform, "arch");
    lock.gpu = string_at(*platform, "gpu");
    lock.backend = string_at(*platform, "backend");
  }
  if (auto steps = plan.find("steps"); steps != plan.end()) collect_steps(lock, lock.tool, *steps);
  if (auto deps = plan.find("dependencies"); deps != plan.end()) walk_dependencies(lock, *deps);
  return lock;
}

}  // namespace tailor::plan
