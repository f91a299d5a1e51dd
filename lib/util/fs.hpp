#pragma once
// Small filesystem helpers that know nothing about tailor.
#include <cstdint>
#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace tailor::util {

// Reads a whole file; refuses files larger than `max_bytes`.
Result<std::string> read_file(const std::filesystem::path& path, uint64_t max_bytes = UINT64_MAX);

// Writes `content` to `path` atomically: temp file in the same directory, fsync, rename,
// fsync of the directory. `mode` applies to the new file from its creation.
Status write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode = 0644);

// Creates a fresh directory `<parent>/<prefix>XXXXXX` and returns its path.
Result<std::filesystem::path> make_temp_dir(const std::filesystem::path& parent, const std::string& prefix);

} // namespace tailor::util
