#pragma once
// Archive extraction with libarchive under the safety rules and caps of docs/install.md,
// "Extraction safety": nothing is ever written outside `dest`.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct ExtractLimits {
  uint64_t max_total_bytes = 16ULL << 30;  // network.max_extract_size
  uint64_t max_entries = 1'000'000;
  size_t max_path_length = 4096;
};

// The total size from network.max_extract_size of `config` (config.toml, or
// TAILOR_MAX_EXTRACT_SIZE); entries and path length from TAILOR_MAX_EXTRACT_ENTRIES and
// TAILOR_MAX_PATH_LENGTH (bytes, or with KiB/MiB/GiB).
Result<ExtractLimits> extract_limits(const config::Config& config);

struct ExtractOptions {
  std::string format;  // "tar.gz", ..., "zip"; "" or "auto": from the archive name
  int strip_dirs = 0;
  std::vector<std::string> files;  // exact post-strip paths to keep; empty keeps all
  ExtractLimits limits;
  std::function<void(uint64_t entries)> on_entry;  // called after each extracted entry
};

struct ExtractReport {
  uint64_t entries = 0;
  uint64_t bytes = 0;
  std::vector<std::string> notes;  // skipped entries (devices, FIFOs), one line each
};

// The canonical format name for an archive file name by its extension, or nullopt.
std::optional<std::string> archive_format_from_name(std::string_view name);

// Unpacks `archive` into the existing directory `dest`.
Result<ExtractReport> extract_archive(const std::filesystem::path& archive, const std::filesystem::path& dest,
                                      const ExtractOptions& options);

}  // namespace tailor::install
