#pragma once
// The marker a build directory carries while a tailor operation owns it:
// <dir>/.tailor/operation.json (docs/home-layout.md, "Operation markers"). Recovery deletes only
// directories whose marker names an operation that no longer runs; a directory without one is
// never tailor's to delete.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/process_identity.hpp"
#include "util/result.hpp"

namespace tailor::install {

// What the marked directory is to its operation.
inline constexpr std::string_view k_marker_staging = "staging";    // a new build on its way into place
inline constexpr std::string_view k_marker_previous = "previous";  // an installed build moved aside
inline constexpr std::string_view k_marker_removing = "removing";  // an installed build `remove` is deleting
inline constexpr std::string_view k_marker_work = "work";          // tmp/ work of an install between its lock turns

struct OperationMarker {
  std::string operation;  // one id per tailor process
  std::string kind;       // one of the k_marker_* above
  std::string tool, version;
  util::ProcessIdentity process;
  std::string created_at;  // RFC 3339, UTC
};

// <dir>/.tailor/operation.json
std::filesystem::path marker_path(const std::filesystem::path& dir);

// The operation id of this process.
const std::string& current_operation_id();

// The marker this process writes for `kind`.
OperationMarker make_marker(std::string_view kind, const std::string& tool, const std::string& version);

// Writes `marker` into `dir`: a temporary file renamed into place beneath a descriptor of `dir`,
// no symlink followed on the way.
Status write_marker(const std::filesystem::path& dir, const OperationMarker& marker);

// Removes the marker of `dir`, and .tailor/ when nothing else is in it; nothing to remove is fine.
void remove_marker(const std::filesystem::path& dir);

enum class MarkerStatus {
  unmarked,    // no marker: not tailor's to delete
  unreadable,  // a marker file that does not parse as one
  running,     // its operation still runs (this process's own included)
  dead,        // its operation died: the directory is a leftover of that operation
  unknown,     // whether its operation runs cannot be told (no /proc)
};

struct MarkerCheck {
  MarkerStatus status = MarkerStatus::unmarked;
  std::optional<OperationMarker> marker;
  bool ours() const { return marker && marker->operation == current_operation_id(); }
};

// Reads the marker of `dir` and tells whether its operation runs. A `dir` that is a symlink is
// unmarked: nothing is read through it.
MarkerCheck check_marker(const std::filesystem::path& dir);

// "running", "dead", ... for messages and JSON.
std::string_view marker_status_name(MarkerStatus status);

}  // namespace tailor::install
