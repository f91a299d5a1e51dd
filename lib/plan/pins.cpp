#include "plan/pins.hpp"
#include "recipe/actions.hpp"

namespace tailor::plan {
namespace {

std::string string_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void collect_steps(Pins& lock, const std::string& tool, const std::optional<std::vector<PlanStep>>& steps) {
  if (!steps) return;
  auto& list = lock.steps[tool];
  if (!list.empty()) return;  // first occurrence wins
  for (const PlanStep& step : *steps) {
    LockedStep locked{step.action, step.url, step.checksum, step.size, step.params};
    // A download_file without step-level url still names its artifact in params.
    std::string url = locked.url.empty() ? string_at(locked.params, "url") : locked.url;
    if (recipe::is_action(locked.action, recipe::ActionKind::download_file) && !url.empty() &&
        !lock.artifacts.contains(url)) {
      std::string checksum = locked.checksum.empty() ? string_at(locked.params, "checksum") : locked.checksum;
      lock.artifacts[url] = LockedArtifact{checksum, locked.size};
    }
    list.push_back(std::move(locked));
  }
}

void walk_dependencies(Pins& lock, const std::vector<DependencyPlan>& deps) {
  for (const DependencyPlan& dep : deps) {
    if (!dep.tool.empty() && !lock.versions.contains(dep.tool)) lock.versions[dep.tool] = dep.version;
    if (!dep.tool.empty()) collect_steps(lock, dep.tool, dep.steps);
    walk_dependencies(lock, dep.dependencies);
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

Pins pins_from_plan(const Plan& plan) {
  Pins lock;
  lock.tool = plan.tool;
  lock.version = plan.version;
  lock.os = plan.platform.os;
  lock.arch = plan.platform.arch;
  lock.gpu = plan.platform.gpu;
  lock.backend = plan.platform.backend;
  collect_steps(lock, lock.tool, plan.steps);
  walk_dependencies(lock, plan.dependencies);
  return lock;
}

}  // namespace tailor::plan
