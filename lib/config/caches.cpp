#include "config/caches.hpp"

#include "config/partial_downloads.hpp"

#include <algorithm>
#include <system_error>

namespace tailor::config {
namespace {

namespace fs = std::filesystem;

// The version-provider cache is written to cache/api today; cache/versions is the name of
// the planned layout. Both belong to `versions` (docs/user-guide.md, "Caches") so that clearing it really clears.
std::vector<fs::path> dirs_of(const fs::path& home, std::string_view name) {
  fs::path cache = home / "cache";
  if (name == "registry") return {home / "registry"};  // recipes of the central registry
  if (name == "versions") return {cache / "versions", cache / "api"};
  return {cache / std::string(name)};
}

bool is_entry(std::string_view cache, const fs::path& file) {
  if (cache == "downloads") return file.extension() == ".data";
  if (cache == "versions") return file.extension() == ".json";
  if (cache == "registry") return file.extension() == ".toml" || file.filename() == "manifest.json";
  return !file.filename().string().starts_with(".");  // .tier1.json.tmp-*: a write in progress
}

CacheUsage measure(const fs::path& home, const std::string& name) {
  CacheUsage usage{name, dirs_of(home, name), 0, 0};
  for (const fs::path& dir : usage.dirs) {
    std::error_code ec;
    if (fs::is_symlink(dir, ec) || !fs::is_directory(dir, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::error_code file_ec;
      if (!it->is_regular_file(file_ec) || it->is_symlink(file_ec)) continue;
      usage.bytes += it->file_size(file_ec);
      if (!file_ec && is_entry(name, it->path())) ++usage.entries;
    }
  }
  return usage;
}

}  // namespace

const std::vector<std::string>& cache_names() {
  static const std::vector<std::string> k_names{"downloads", "versions", "detect", "registry"};
  return k_names;
}

std::vector<CacheUsage> cache_usage(const fs::path& home) {
  std::vector<CacheUsage> out;
  for (const std::string& name : cache_names()) out.push_back(measure(home, name));
  return out;
}

Result<CacheUsage> clear_cache(const fs::path& home, std::string_view name) {
  const auto& names = cache_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    return fail(ErrorKind::usage, "unknown cache '{}': must be one of downloads, versions, detect, registry", name);
  }
  CacheUsage usage = measure(home, std::string(name));
  for (const fs::path& dir : usage.dirs) {
    std::error_code ec;
    if (fs::is_symlink(dir, ec))
      return fail(ErrorKind::failure, "cache directory {} is a symlink; refusing to clear it", dir.string());
    if (!fs::is_directory(dir, ec)) continue;
    // Partial downloads go only when their writer is gone; a running download keeps its file.
    if (name == "downloads") remove_dead_partial_downloads(dir, true);
    std::vector<fs::path> children;  // listed first: removing while iterating is unspecified
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (name == "downloads" && is_partial_download(it->path().filename().string())) {
        ++usage.kept_in_progress;
        continue;
      }
      children.push_back(it->path());
    }
    if (ec) return fail(ErrorKind::failure, "cannot list {}: {}", dir.string(), ec.message());
    for (const fs::path& child : children) {
      fs::remove_all(child, ec);  // does not follow symlinks: only the link goes
      if (ec) return fail(ErrorKind::failure, "cannot remove {}: {}", child.string(), ec.message());
    }
  }
  return usage;
}

}  // namespace tailor::config
