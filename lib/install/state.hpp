#pragma once
// state.json (platform-and-install.md §6.3): what is installed. Two-space JSON with sorted
// keys; reads under a shared flock on state.json.lock, read-modify-write cycles under an
// exclusive one, writes through state.json.tmp + fsync + rename.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "install/layout.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct InstalledVersion {
  std::string requested;
  std::vector<std::string> binaries;                    // relative to the version directory
  std::map<std::string, std::string> binary_checksums;  // relpath -> sha256
  std::string installed_at;                             // RFC 3339 UTC
  nlohmann::json plan = nlohmann::json::object();       // the executed plan
  std::vector<std::string> cleanup_actions;
};

struct InstalledTool {
  std::string active_version;
  std::string previous_version;
  bool is_explicit = false;
  bool is_hidden = false;
  std::vector<std::string> required_by;
  std::vector<std::string> install_dependencies;
  std::vector<std::string> runtime_dependencies;
  std::string source = "plan";
  std::string recipe_hash;
  std::map<std::string, InstalledVersion> versions;
};

struct State {
  std::map<std::string, InstalledTool> installed;
  nlohmann::json libs = nlohmann::json::object();
};

nlohmann::json state_to_json(const State& state);
Result<State> state_from_json(const nlohmann::json& json, const std::string& where);

// Reads state.json (missing file: empty state) under a shared lock.
Result<State> read_state(const Layout& layout);

// Runs `change` on the current state under an exclusive lock and writes the result
// atomically when it succeeds.
Status update_state(const Layout& layout, const std::function<Status(State&)>& change);

// Now as RFC 3339 UTC, e.g. 2026-11-22T19:42:13Z.
std::string now_rfc3339();

}  // namespace tailor::install
