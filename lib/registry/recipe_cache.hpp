#pragma once
// The central registry cache (docs/registries.md, "Cache"): `<dir>/<letter>/<name>.toml` with
// `<name>.meta.json` beside it. Writes are atomic (temp file + rename), so concurrent tailor
// processes only ever see whole files; a recipe whose bytes do not match its meta file's
// SHA-256 (two writers interleaved) counts as absent.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace tailor::registry {

struct CacheMeta {
  std::string url;
  int64_t fetched_at = 0;  // Unix seconds of the last 200 or 304
  std::string etag;
  std::string sha256;
  uint64_t size = 0;
};

struct CachedRecipe {
  std::string text;
  CacheMeta meta;
};

struct CacheSummary {
  uint64_t recipes = 0;
  uint64_t bytes = 0;  // every regular file below the directory
};

class RecipeCache {
 public:
  explicit RecipeCache(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  const std::filesystem::path& dir() const { return m_dir; }
  std::filesystem::path recipe_path(std::string_view name) const;
  std::filesystem::path meta_path(std::string_view name) const;

  // The cached recipe and its meta data; nullopt when absent, unreadable or inconsistent.
  std::optional<CachedRecipe> load(std::string_view name) const;
  // Stores text and meta (meta last: a reader that finds the meta finds the text it describes).
  Status store(std::string_view name, std::string_view text, const CacheMeta& meta) const;
  // Rewrites only the meta file (a 304 refreshes fetched_at).
  Status store_meta(std::string_view name, const CacheMeta& meta) const;
  // Marks a recipe as just used, for the least-recently-used order.
  void touch(std::string_view name) const;
  void remove(std::string_view name) const;
  // Names of every cached recipe, sorted.
  std::vector<std::string> names() const;
  // Removes the least recently used recipes until the directory holds at most `limit` bytes;
  // returns how many were removed.
  uint64_t enforce_limit(uint64_t limit) const;
  CacheSummary summary() const;

 private:
  std::filesystem::path m_dir;
};

// Age of a cached copy as people read it: "3 hours", "2 days".
std::string describe_age(int64_t seconds);

int64_t unix_now();

}  // namespace tailor::registry
