#pragma once
// Small filesystem helpers that know nothing about tailor.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace tailor::util {

// Reads a whole file; refuses files larger than `max_bytes`.
Result<std::string> read_file(const std::filesystem::path& path, uint64_t max_bytes = UINT64_MAX);

// How hard write_file_atomic works to make the new content survive a power loss.
enum class Durability {
  durable,      // fsync the file before the rename and the directory after it (state, config)
  best_effort,  // rename only: readers never see a torn file, a crash may lose the update
                // (advisory files: lock holder, progress status, HTTP caches)
};

// Writes `content` to `path` atomically: temp file in the same directory, rename (with the
// fsyncs `durability` asks for). `mode` applies to the new file from its creation.
Status write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode = 0644,
                         Durability durability = Durability::durable);

// Flushes every file and directory change of the file system that holds `path` to the disk
// (Linux: syncfs; elsewhere: sync). One call stands in for an fsync of each file written
// before it, and also waits for whatever else is being written on that file system.
Status sync_file_system(const std::filesystem::path& path);

// fsync of directory `dir`: the renames and creations in it are on disk.
Status sync_directory(const std::filesystem::path& dir);

// Creates a fresh directory `<parent>/<prefix>XXXXXX` and returns its path.
Result<std::filesystem::path> make_temp_dir(const std::filesystem::path& parent, const std::string& prefix);

// The full path of the executable `command` in the directories of `path_list` (a PATH value,
// ':'-separated; empty entries are skipped), "" when there is none. A command with a '/' is
// taken as it is and returned when executable. util reads no environment: the caller passes PATH.
std::string find_on_path(const std::string& command, std::string_view path_list);

}  // namespace tailor::util
