#include "plan/plan_view.hpp"
#include "recipe/actions.hpp"

#include <fmt/format.h>

namespace tailor::plan {
namespace {

// An ecosystem step: its package, version and toolchain (docs/install.md, "Ecosystem installs").
std::string ecosystem_line(const PlanStep& step) {
  struct Row {
    recipe::ActionKind kind;
    const char* ecosystem;
    const char* dependency;
  };
  static constexpr Row k_rows[] = {{recipe::ActionKind::cargo_build, "crate", "rust"},
                                   {recipe::ActionKind::gem_exec, "gem", "ruby"},
                                   {recipe::ActionKind::go_build, "Go module", "go"},
                                   {recipe::ActionKind::npm_exec, "npm package", "nodejs"},
                                   {recipe::ActionKind::pip_exec, "Python package", "python-standalone"}};
  for (const auto& row : k_rows) {
    if (!recipe::is_action(step.action, row.kind)) continue;
    std::string toolchain = step.params.value("toolchain", std::string()) == "system"
                                ? "system (/usr/bin)"
                                : std::string(row.dependency) + " (dependency)";
    std::string version = step.params.value("version", std::string());
    std::string name = "?";
    for (const char* key : {"package", "crate", "gem", "install_module", "module"}) {
      if (auto it = step.params.find(key); it != step.params.end() && it->is_string()) {
        name = it->get<std::string>();
        break;
      }
    }
    return fmt::format("{} {}{}, toolchain {}", row.ecosystem, name, version.empty() ? "" : "@" + version, toolchain);
  }
  return {};
}

std::string step_line(const PlanStep& step) {
  auto param = [&](const char* key) -> std::string {
    auto it = step.params.find(key);
    if (it == step.params.end()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  std::string detail;
  if (recipe::is_action(step.action, recipe::ActionKind::download_file)) {
    detail = step.url.empty() ? param("url") : step.url;
    if (!step.checksum.empty() && step.size != 0)
      detail += fmt::format(" (sha256 {}…, {} bytes)", step.checksum.substr(0, 12), step.size);
    else if (!step.checksum.empty())
      detail += fmt::format(" (sha256 {}…, size not yet known)", step.checksum.substr(0, 12));
    else
      detail += " (checksum not yet known)";
  } else if (recipe::is_action(step.action, recipe::ActionKind::extract)) {
    detail = fmt::format("{} ({}, strip {})", param("archive"), param("format"), param("strip_dirs"));
  } else if (recipe::is_action(step.action, recipe::ActionKind::install_binaries)) {
    // A library installed as a directory names no binaries (null in the plan).
    std::string binaries = param("binaries");
    if (binaries.empty() || binaries == "null" || binaries == "[]") binaries = "(no binaries)";
    detail = binaries + (param("install_mode").empty() ? "" : " mode " + param("install_mode"));
  } else if (auto ecosystem = ecosystem_line(step); !ecosystem.empty()) {
    detail = ecosystem;
  } else if (step.action.ends_with("_install") || recipe::is_action(step.action, recipe::ActionKind::brew_cask)) {
    detail = param("packages");
  } else {
    detail = step.params.dump();
  }
  return fmt::format("{}{}: {}", step.action, step.phase.empty() ? "" : " [" + step.phase + "]", detail);
}

void describe_steps(std::string& out, const std::optional<std::vector<PlanStep>>& steps, const std::string& indent) {
  if (!steps) {
    out += indent + "(no steps for this target)\n";
    return;
  }
  size_t n = 1;
  for (const auto& step : *steps) out += fmt::format("{}{}. {}\n", indent, n++, step_line(step));
}

void describe_dependencies(std::string& out, const std::vector<DependencyPlan>& deps, const std::string& indent) {
  for (const auto& dep : deps) {
    out += fmt::format("{}- {}@{}{}\n", indent, dep.tool, dep.version,
                       dep.recipe_type.empty() ? "" : " (" + dep.recipe_type + ")");
    describe_dependencies(out, dep.dependencies, indent + "    ");
    describe_steps(out, dep.steps, indent + "    ");
  }
}

// Downloads in `steps` and below `deps` whose checksum the plan does not know yet.
size_t unhashed_downloads(const std::optional<std::vector<PlanStep>>& steps, const std::vector<DependencyPlan>& deps) {
  size_t count = 0;
  for (const auto& step : steps.value_or(std::vector<PlanStep>{})) {
    if (recipe::is_action(step.action, recipe::ActionKind::download_file) && step.checksum.empty()) ++count;
  }
  for (const auto& dep : deps) count += unhashed_downloads(dep.steps, dep.dependencies);
  return count;
}

}  // namespace

std::string describe_plan(const PlanOutcome& outcome, bool explain) {
  const Plan& plan = outcome.value;
  std::string out = fmt::format("{}@{} for {}/{}", plan.tool, plan.version, plan.platform.os, plan.platform.arch);
  if (plan.platform.linux_family) out += fmt::format(" ({})", tuple::name(*plan.platform.linux_family));
  if (plan.platform.gpu) out += fmt::format(", gpu {}", tuple::name(*plan.platform.gpu));
  out += "\n";
  if (!outcome.backend.empty()) {
    const BackendRung* chosen = nullptr;
    for (const auto& rung : outcome.ladder) {
      if (rung.chosen) chosen = &rung;
    }
    out += fmt::format("backend: {}{}\n", outcome.backend, chosen ? " — " + chosen->reason : "");
    for (const auto& rung : outcome.ladder) {
      // Without --explain, each better rung passed over still says why, in one line.
      if (explain)
        out += fmt::format("  {}: {} ({})\n", rung.backend, rung.status(), rung.reason);
      else if (!rung.chosen && rung.tried)
        out += fmt::format("  {}: {}\n", rung.backend, rung.reason);
    }
  }
  for (const auto& note : outcome.notes) out += note + "\n";
  if (!plan.dependencies.empty()) {
    out += "dependencies (installed first):\n";
    describe_dependencies(out, plan.dependencies, "  ");
  }
  out += "steps:\n";
  describe_steps(out, plan.steps, "  ");
  if (plan.verify) out += fmt::format("verify: {}\n", plan.verify->command);
  // A plan whose artifacts are not all hashed installs whatever the URLs serve next time, so
  // it is not called deterministic here even when every action is (the JSON field keeps
  // tsuku's meaning: docs/planning.md).
  const size_t unhashed = unhashed_downloads(plan.steps, plan.dependencies);
  if (plan.deterministic && unhashed > 0) {
    out +=
        fmt::format("deterministic: no ({} download{} without a checksum yet; plan with network access to hash {})\n",
                    unhashed, unhashed == 1 ? "" : "s", unhashed == 1 ? "it" : "them");
  } else {
    out += fmt::format("deterministic: {}\n", plan.deterministic ? "yes" : "no");
  }
  return out;
}

}  // namespace tailor::plan
