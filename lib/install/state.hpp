#pragma once
// state.json (docs/home-layout.md, "state.json"): what is installed. Two-space JSON with sorted
// keys, checked against its schema on every read; reads under a shared flock on
// state.json.lock, read-modify-write cycles under an exclusive one, writes through
// state.json.tmp + a flush of the file system + rename, each keeping the file it replaces as
// state.json.prev.
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
  std::string recipe_hash;    // SHA-256 of the recipe the active version was planned from
  std::string recipe_source;  // "embedded", "dir <path>", "central <url>"; "" when unknown
  std::string recipe_url;     // the recipe's file or URL
  std::map<std::string, InstalledVersion> versions;
};

struct State {
  std::map<std::string, InstalledTool> installed;
  nlohmann::json libs = nlohmann::json::object();
  nlohmann::json extra = nlohmann::json::object();  // unknown top-level keys, written back as read
};

nlohmann::json state_to_json(const State& state);
// Checks `json` against the schema; every mismatch is named, prefixed by `where`
// (ErrorKind::invalid_input).
Result<State> state_from_json(const nlohmann::json& json, const std::string& where);

// Reads state.json (missing file: empty state) under a shared lock. A file that is not JSON
// or not of the schema's shape is ErrorKind::invalid_input naming the file, the problems and
// the ways out (state.json.prev, `tailor state rebuild`).
Result<State> read_state(const Layout& layout);

// Runs `change` on the current state under an exclusive lock and writes the result
// atomically when it succeeds. Fails, writing nothing, when the current state cannot be read.
Status update_state(const Layout& layout, const std::function<Status(State&)>& change);

// What replace_state did with the file it replaced.
enum class ReplacedState {
  none,     // there was no state.json
  prev,     // it was readable and is now state.json.prev
  damaged,  // it could not be read and is now state.json.damaged (state.json.prev untouched)
};

// Writes `state` in place of whatever state.json holds now (for `tailor state rebuild`), under
// the exclusive lock.
Result<ReplacedState> replace_state(const Layout& layout, const State& state);

// Now as RFC 3339 UTC, e.g. 2026-11-22T19:42:13Z.
std::string now_rfc3339();

}  // namespace tailor::install
