#pragma once
// The caches under $TAILOR_HOME/cache (docs/user-guide.md, "Caches"): what `tailor cache
// info` reports and `tailor cache clear` empties. Each cache is a directory of files that
// tailor can always rebuild (downloads, version-provider answers, Tier 1 detection, and the
// central registry's recipes and manifest in $TAILOR_HOME/registry).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace tailor::config {

struct CacheUsage {
  std::string name;                         // downloads, versions, detect, registry
  std::vector<std::filesystem::path> dirs;  // where it lives (versions: cache/versions and cache/api)
  uint64_t bytes = 0;                       // every regular file, temp files included
  uint64_t entries = 0;                     // downloads: *.data; versions: *.json; detect: files
  uint64_t kept_in_progress = 0;            // clear_cache: partial downloads still being written, left alone
};

// The cache names, in report order.
const std::vector<std::string>& cache_names();

// Size and entry count of every cache below `home`; missing directories count as empty.
std::vector<CacheUsage> cache_usage(const std::filesystem::path& home);

// Deletes everything inside cache `name` (directories stay, with their modes) and returns
// what was there, except the partial downloads of running processes
// (config/partial_downloads.hpp). A symlinked cache directory is refused, never followed.
Result<CacheUsage> clear_cache(const std::filesystem::path& home, std::string_view name);

}  // namespace tailor::config
