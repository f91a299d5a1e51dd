#pragma once
// A small reader of the project lock file (tailor.lock, JSON: lock_version 1, tools_hash,
// targets, entries of {tool, request, target, plan}), enough for `tailor mirror push --lock`.
// The project lock's own module replaces it once it lands.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace tailor::app {

inline constexpr std::string_view k_project_lock_file = "tailor.lock";

struct ProjectLockEntry {
  std::string tool;
  std::string target;
  nlohmann::ordered_json plan;
};

struct ProjectLock {
  std::string bytes;  // the file as read
  std::string tools_hash;
  std::vector<ProjectLockEntry> entries;
};

Result<ProjectLock> read_project_lock(const std::string& path);
Result<ProjectLock> parse_project_lock(std::string bytes, std::string_view source);

}  // namespace tailor::app
