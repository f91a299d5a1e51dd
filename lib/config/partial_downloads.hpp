#pragma once
// Partial downloads: the `.download-XXXXXX` files in $TAILOR_HOME/cache/downloads that a
// tailor is writing (docs/downloads.md, "Partial downloads"). The writer holds an exclusive
// flock(2) on its file from creation until the file is renamed into the cache or deleted, so
// a file whose lock can be taken was left by a process that is gone. Creating a file and
// removing dead ones both take a lock on the directory itself, so a sweep never finds a file
// before its writer has locked it.
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "util/result.hpp"

namespace tailor::config {

inline constexpr std::string_view k_partial_download_prefix = ".download-";

struct PartialDownloads {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t in_progress = 0;  // files whose writer is still running
};

// A new partial download in `dir`, opened for writing (mode 0600, close-on-exec) with the
// writer's lock held; the lock lasts as long as `fd` stays open.
struct PartialDownloadFile {
  int fd = -1;
  std::filesystem::path path;
};
Result<PartialDownloadFile> create_partial_download(const std::filesystem::path& dir);

// Every partial download in `dir` (none when it does not exist); reads only.
PartialDownloads count_partial_downloads(const std::filesystem::path& dir);

// Removes the partial downloads in `dir` whose writer is gone and returns what was removed.
// A file whose lock is held is never touched. When another process holds the directory
// lock, this waits up to two seconds for it if `wait`, else returns at once; without the
// lock nothing is removed.
PartialDownloads remove_dead_partial_downloads(const std::filesystem::path& dir, bool wait = false);

// True when `name` is a partial download's file name.
bool is_partial_download(std::string_view name);

}  // namespace tailor::config
