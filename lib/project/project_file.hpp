#pragma once
// A project file (docs/projects.md): `tailor.toml` in a directory or one of its parents, or
// tsuku's `.tsuku.toml` where no `tailor.toml` is, listing the project's tools in `[tools]`
// and the targets of its lock in `[lock] targets`.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace tailor::project {

inline constexpr std::string_view k_project_file = "tailor.toml";
inline constexpr std::string_view k_tsuku_file = ".tsuku.toml";
inline constexpr std::string_view k_lock_file = "tailor.lock";
inline constexpr size_t k_max_tsuku_tools = 256;

struct ProjectTool {
  std::string name;
  std::string version;  // as written; "" when none (the newest)
  std::string backend;  // "" when none
  // "NAME@CONSTRAINT" as a lock records it; "latest" when no version is given.
  std::string request() const;
  // What `tailor install` is given: "NAME" or "NAME@VERSION".
  std::string install_name() const;
};

struct ProjectFile {
  std::filesystem::path path;               // the file read
  bool tsuku = false;                       // a `.tsuku.toml`
  std::vector<ProjectTool> tools;           // sorted by name
  std::vector<std::string> targets;         // [lock] targets, as written (tailor.toml only)
  std::filesystem::path lock_path() const;  // tailor.lock beside the file
};

// The nearest project file at `start` or above it: in each directory `tailor.toml` first,
// then `.tsuku.toml`. nullopt when there is none up to the root.
std::optional<std::filesystem::path> find_project_file(const std::filesystem::path& start);

// Reads and checks a project file. Every problem is reported as `FILE:LINE:COL: message`
// (all of them, one per line) with ErrorKind::invalid_input.
Result<ProjectFile> read_project_file(const std::filesystem::path& path);

// Finds (from `start`) and reads the project file; ErrorKind::usage when there is none.
Result<ProjectFile> load_project(const std::filesystem::path& start);

// "sha256:<hex>" of the canonical form of the [tools] table (docs/projects.md, "tailor.lock").
std::string tools_hash(const ProjectFile& project);

// The file `tailor init` writes.
std::string starter_project_file();

}  // namespace tailor::project
