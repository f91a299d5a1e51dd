#include "plan/plan_model.hpp"

namespace tailor::plan {

using nlohmann::ordered_json;

// nlohmann converts between its JSON types member by member; a sorted object's members arrive,
// and so stay, in sorted order.
ordered_json to_ordered(const nlohmann::json& value) { return ordered_json(value); }

ordered_json step_to_json(const PlanStep& step) {
  ordered_json out = ordered_json::object();
  out["action"] = step.action;
  if (!step.phase.empty()) out["phase"] = step.phase;
  out["params"] = to_ordered(step.params);
  out["evaluable"] = step.evaluable;
  out["deterministic"] = step.deterministic;
  if (!step.url.empty()) out["url"] = step.url;
  if (!step.checksum.empty()) out["checksum"] = step.checksum;
  if (step.size != 0) out["size"] = step.size;
  if (!step.min_glibc.empty()) out["min_glibc"] = step.min_glibc;
  return out;
}

namespace {

ordered_json steps_to_json(const std::optional<std::vector<PlanStep>>& steps) {
  if (!steps) return nullptr;
  ordered_json out = ordered_json::array();
  for (const auto& step : *steps) out.push_back(step_to_json(step));
  return out;
}

ordered_json verify_to_json(const PlanVerify& verify) {
  ordered_json out = ordered_json::object();
  if (!verify.command.empty()) out["command"] = verify.command;
  if (!verify.pattern.empty()) out["pattern"] = verify.pattern;
  if (!verify.patterns.empty()) out["patterns"] = verify.patterns;
  if (verify.exit_code) out["exit_code"] = *verify.exit_code;
  if (!verify.additional.empty()) {
    ordered_json additional = ordered_json::array();
    for (const auto& [command, pattern] : verify.additional) {
      additional.push_back(ordered_json{{"command", command}, {"pattern", pattern}});
    }
    out["additional"] = additional;
  }
  return out;
}

}  // namespace

ordered_json dependency_to_json(const DependencyPlan& dep) {
  ordered_json out = ordered_json::object();
  out["tool"] = dep.tool;
  out["version"] = dep.version;
  if (!dep.dependencies.empty()) {
    ordered_json deps = ordered_json::array();
    for (const auto& child : dep.dependencies) deps.push_back(dependency_to_json(child));
    out["dependencies"] = deps;
  }
  out["steps"] = steps_to_json(dep.steps);
  if (dep.verify) out["verify"] = verify_to_json(*dep.verify);
  if (!dep.recipe_type.empty()) out["recipe_type"] = dep.recipe_type;
  return out;
}

ordered_json plan_to_json(const Plan& plan) {
  ordered_json out = ordered_json::object();
  out["format_version"] = plan.format_version;
  if (plan.storage_version != 0) out["storage_version"] = plan.storage_version;
  out["tool"] = plan.tool;
  out["version"] = plan.version;
  ordered_json platform = ordered_json::object();
  platform["os"] = plan.platform.os;
  platform["arch"] = plan.platform.arch;
  if (plan.platform.linux_family) platform["linux_family"] = tuple::name(*plan.platform.linux_family);
  if (plan.platform.gpu) platform["gpu"] = tuple::name(*plan.platform.gpu);
  if (plan.platform.backend) platform["backend"] = tuple::name(*plan.platform.backend);
  out["platform"] = platform;
  if (!plan.generated_at.empty()) out["generated_at"] = plan.generated_at;
  if (!plan.recipe_source.empty()) out["recipe_source"] = plan.recipe_source;
  out["deterministic"] = plan.deterministic;
  if (!plan.dependencies.empty()) {
    ordered_json deps = ordered_json::array();
    for (const auto& dep : plan.dependencies) deps.push_back(dependency_to_json(dep));
    out["dependencies"] = deps;
  }
  out["steps"] = steps_to_json(plan.steps);
  if (plan.verify) out["verify"] = verify_to_json(*plan.verify);
  if (!plan.recipe_type.empty()) out["recipe_type"] = plan.recipe_type;
  if (!plan.binaries.empty()) out["binaries"] = plan.binaries;
  return out;
}

}  // namespace tailor::plan
