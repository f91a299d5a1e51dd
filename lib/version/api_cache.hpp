#pragma once
// Cached API responses: `<dir>/<sha256 of URL>.json` holding the body, validators and the time
// it was fetched. The directory is created 0700; writes are atomic; unreadable entries are misses.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace tailor::version {

struct CachedResponse {
  std::string url;
  std::string body;
  std::string etag;
  std::string last_modified;
  std::map<std::string, std::string> headers;  // the ones worth keeping (link, content-type)
  int64_t fetched_at = 0;                      // Unix seconds
};

std::filesystem::path cache_entry_path(const std::filesystem::path& dir, const std::string& url);
std::optional<CachedResponse> load_cached_response(const std::filesystem::path& dir, const std::string& url);
// Best effort: a cache that cannot be written only costs another request next time.
void store_cached_response(const std::filesystem::path& dir, const CachedResponse& entry);

}  // namespace tailor::version
