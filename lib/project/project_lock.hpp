#pragma once
// `tailor.lock` (docs/projects.md, "tailor.lock"): for every tool of a project and every
// target, the format-5 plan as `tailor plan --json` writes it. Targets are written
// os/arch[/family][:gpu[:driver]] and read into the fact overrides a foreign plan takes.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/detect.hpp"
#include "platform/facts.hpp"
#include "util/result.hpp"

namespace tailor::project {

inline constexpr int k_project_lock_version = 1;

// Parses "os/arch[/family][:gpu[:driver]]" into overrides (os, arch, linux_family, gpu,
// gpu_driver); a bad part is ErrorKind::usage naming the allowed values.
Result<platform::FactOverrides> parse_lock_target(std::string_view text);

// The canonical text of a target (the inverse of parse_lock_target).
std::string format_lock_target(const platform::FactOverrides& target);

// This machine as a target: os/arch, the Linux family when known, the GPU vendor ("none"
// without one) and, for NVIDIA, the driver's major version: "linux/amd64/debian:nvidia:580".
std::string machine_lock_target(const platform::Facts& facts);

// Whether a lock made for `target` is meant for `machine`: os and arch equal, and the family,
// GPU vendor and driver where the target names them (the machine's driver at least the target's).
bool target_covers(const platform::FactOverrides& target, const platform::Facts& machine);

struct ProjectLockEntry {
  std::string tool;
  std::string request;  // "NAME@CONSTRAINT"
  std::string target;   // canonical target text
  nlohmann::ordered_json plan;
};

struct ProjectLock {
  int lock_version = k_project_lock_version;
  std::string tools_hash;            // "sha256:<hex>" of the [tools] table it was made from
  std::vector<std::string> targets;  // sorted
  std::vector<ProjectLockEntry> entries;
};

// The bytes of the lock file: keys sorted (a plan keeps its own order), targets sorted,
// entries sorted by tool then target, 2-space indent, one final newline.
std::string project_lock_text(const ProjectLock& lock);

// Reads a lock; a document that is not one is ErrorKind::invalid_input with FILE:LINE:COL.
Result<ProjectLock> parse_project_lock(std::string_view text, const std::string& origin);
Result<ProjectLock> read_project_lock(const std::filesystem::path& path);

const ProjectLockEntry* find_lock_entry(const ProjectLock& lock, std::string_view tool, std::string_view target);

// The lock target for `machine`: of those that cover it, the one naming most (then the
// newest driver). nullopt when none does.
std::optional<std::string> pick_lock_target(const ProjectLock& lock, const platform::Facts& machine);

}  // namespace tailor::project
