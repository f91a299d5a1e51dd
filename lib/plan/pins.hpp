#pragma once
// A plan used as a lockfile (docs/planning.md, "Locks: `--pin-from PLAN`"): pinned versions, captured locks and
// resolved artifacts that later generations reuse without the network.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/plan_model.hpp"

namespace tailor::plan {

struct LockedArtifact {
  std::string checksum;  // "" when the lock knows the URL but never hashed it
  uint64_t size = 0;
};

struct LockedStep {
  std::string action;
  std::string url;
  std::string checksum;
  uint64_t size = 0;
  nlohmann::json params;
};

struct Pins {
  std::string tool;
  std::string version;
  std::string os, arch;
  std::optional<tuple::GpuVendor> gpu;                   // platform.gpu when the plan records it
  std::optional<tuple::Backend> backend;                 // platform.backend when the plan records it
  std::map<std::string, std::string> versions;           // tool -> first version in pre-order
  std::map<std::string, LockedArtifact> artifacts;       // url -> checksum and size
  std::map<std::string, std::vector<LockedStep>> steps;  // tool -> its plan steps in order
};

// The release tag a locked tool's GitHub download URLs carry for `version` (`v0.14.0` for
// 0.14.0, `jq-1.7.1` for 1.7.1), so a lock reproduces upstream's tag offline; nullopt when none does.
std::optional<std::string> locked_release_tag(const Pins& lock, const std::string& tool, const std::string& version);

// Reads the lock data out of a plan (read with plan_from_json: missing keys keep their defaults).
Pins pins_from_plan(const Plan& plan);

}  // namespace tailor::plan
