#include "version/api_cache.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace tailor::version {

namespace fs = std::filesystem;

fs::path cache_entry_path(const fs::path& dir, const std::string& url) {
  util::Sha256 hash;
  hash.update(url.data(), url.size());
  return dir / (hash.hex_digest() + ".json");
}

std::optional<CachedResponse> load_cached_response(const fs::path& dir, const std::string& url) {
  auto text = util::read_file(cache_entry_path(dir, url), 64 * (uint64_t{1} << 20));
  if (!text) return std::nullopt;
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_object() || doc.value("url", "") != url || !doc.contains("body") || !doc["body"].is_string()) {
    return std::nullopt;
  }
  CachedResponse entry;
  entry.url = url;
  entry.body = doc["body"].get<std::string>();
  entry.etag = doc.value("etag", "");
  entry.last_modified = doc.value("last_modified", "");
  entry.fetched_at = doc.value("fetched_at", int64_t{0});
  if (doc.contains("headers") && doc["headers"].is_object()) {
    for (const auto& [name, value] : doc["headers"].items()) {
      if (value.is_string()) entry.headers[name] = value.get<std::string>();
    }
  }
  return entry;
}

void store_cached_response(const fs::path& dir, const CachedResponse& entry) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  nlohmann::json doc = {{"url", entry.url},         {"body", entry.body},
                        {"etag", entry.etag},       {"last_modified", entry.last_modified},
                        {"headers", entry.headers}, {"fetched_at", entry.fetched_at}};
  // Bodies are JSON text; a stray invalid byte is replaced rather than losing the entry.
  auto text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  (void)util::write_file_atomic(cache_entry_path(dir, entry.url), text, 0600, util::Durability::best_effort);
}

}  // namespace tailor::version
