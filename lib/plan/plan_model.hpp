#pragma once
// Plans as values (docs/plan-format.md): built by the planner, serialized by one writer.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuple/target.hpp"

namespace tailor::plan {

struct PlanStep {
  std::string action;
  std::string phase;
  nlohmann::json params = nlohmann::json::object();  // keys byte-sorted at every depth
  bool evaluable = false;
  bool deterministic = false;
  std::string url;
  std::string checksum;
  uint64_t size = 0;
  std::string min_glibc;  // from the recipe step it came from; "" = omitted
  bool operator==(const PlanStep&) const = default;
};

struct PlanVerify {
  std::string command, pattern;
  std::vector<std::string> patterns;
  std::optional<int64_t> exit_code;
  std::vector<std::pair<std::string, std::string>> additional;  // (command, pattern)
  bool operator==(const PlanVerify&) const = default;
};

struct DependencyPlan {
  std::string tool;
  std::string version;
  std::vector<DependencyPlan> dependencies;
  std::optional<std::vector<PlanStep>> steps;  // nullopt serializes as null
  std::optional<PlanVerify> verify;
  std::string recipe_type;
  bool operator==(const DependencyPlan&) const = default;
};

struct Plan {
  int format_version = 5;
  int storage_version = 1;  // 0 = omitted
  std::string tool;
  std::string version;
  // The tuple as the plan records it: os, arch, linux_family (when a system action depends on
  // it), gpu (when a step does) and the chosen backend; the other fields stay "".
  tuple::Target platform;
  std::string generated_at;   // "" = omitted
  std::string recipe_source;  // "" = omitted
  bool deterministic = true;
  std::vector<DependencyPlan> dependencies;
  std::optional<std::vector<PlanStep>> steps;
  std::optional<PlanVerify> verify;
  std::string recipe_type;
  std::vector<std::string> binaries;
  bool operator==(const Plan&) const = default;
};

// The plan object in the key order of docs/plan-format.md, "Top-level keys" and "Nested objects".
nlohmann::ordered_json plan_to_json(const Plan& plan);
nlohmann::ordered_json step_to_json(const PlanStep& step);
// A dependency's node, as plan_to_json writes it inside `dependencies`.
nlohmann::ordered_json dependency_to_json(const DependencyPlan& dep);
// Converts a sorted-key JSON value into an ordered one, keeping the sorted order.
nlohmann::ordered_json to_ordered(const nlohmann::json& value);

}  // namespace tailor::plan
