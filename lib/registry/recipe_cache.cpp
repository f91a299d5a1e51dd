#include "registry/recipe_cache.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <nlohmann/json.hpp>

#include "recipe/decode.hpp"
#include "registry/settings.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace tailor::registry {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_meta_suffix = ".meta.json";

std::string meta_to_text(const CacheMeta& meta) {
  nlohmann::ordered_json doc{{"url", meta.url},
                             {"fetched_at", meta.fetched_at},
                             {"etag", meta.etag},
                             {"sha256", meta.sha256},
                             {"size", meta.size}};
  return doc.dump(2) + "\n";
}

std::optional<CacheMeta> meta_from_text(const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  CacheMeta meta;
  try {
    meta.url = doc.value("url", std::string());
    meta.fetched_at = doc.value("fetched_at", int64_t{0});
    meta.etag = doc.value("etag", std::string());
    meta.sha256 = doc.value("sha256", std::string());
    meta.size = doc.value("size", uint64_t{0});
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return meta;
}

}  // namespace

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string describe_age(int64_t seconds) {
  auto unit = [](int64_t n, const char* one) { return std::to_string(n) + " " + one + (n == 1 ? "" : "s"); };
  if (seconds < 0) seconds = 0;
  if (seconds < 120) return unit(seconds, "second");
  if (seconds < 2L * 3600) return unit(seconds / 60, "minute");
  if (seconds < 2L * 86400) return unit(seconds / 3600, "hour");
  return unit(seconds / 86400, "day");
}

fs::path RecipeCache::recipe_path(std::string_view name) const {
  return m_dir / std::string(1, name.front()) / (std::string(name) + ".toml");
}

fs::path RecipeCache::meta_path(std::string_view name) const {
  return m_dir / std::string(1, name.front()) / (std::string(name) + std::string(k_meta_suffix));
}

std::optional<CachedRecipe> RecipeCache::load(std::string_view name) const {
  auto meta_text = util::read_file(meta_path(name), uint64_t{64} * 1024);
  if (!meta_text) return std::nullopt;
  auto meta = meta_from_text(*meta_text);
  if (!meta) return std::nullopt;
  auto text = util::read_file(recipe_path(name), recipe::detail::k_max_recipe_bytes);
  if (!text || text->size() != meta->size || util::sha256_hex(*text) != meta->sha256) return std::nullopt;
  return CachedRecipe{std::move(*text), std::move(*meta)};
}

Status RecipeCache::store(std::string_view name, std::string_view text, const CacheMeta& meta) const {
  std::error_code ec;
  fs::create_directories(recipe_path(name).parent_path(), ec);
  if (ec)
    return fail(ErrorKind::failure, "cannot create {}: {}", recipe_path(name).parent_path().string(), ec.message());
  if (auto written = util::write_file_atomic(recipe_path(name), text, 0644, util::Durability::best_effort); !written)
    return written;
  return store_meta(name, meta);
}

Status RecipeCache::store_meta(std::string_view name, const CacheMeta& meta) const {
  return util::write_file_atomic(meta_path(name), meta_to_text(meta), 0644, util::Durability::best_effort);
}

void RecipeCache::touch(std::string_view name) const {
  std::error_code ec;
  fs::last_write_time(recipe_path(name), fs::file_time_type::clock::now(), ec);
}

void RecipeCache::remove(std::string_view name) const {
  std::error_code ec;
  fs::remove(meta_path(name), ec);
  fs::remove(recipe_path(name), ec);
}

std::vector<std::string> RecipeCache::names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator letter(m_dir, ec), end; !ec && letter != end; letter.increment(ec)) {
    std::error_code inner;
    if (!letter->is_directory(inner)) continue;
    for (fs::directory_iterator file(letter->path(), inner); !inner && file != end; file.increment(inner)) {
      const fs::path& path = file->path();
      if (path.extension() == ".toml" && is_valid_recipe_name(path.stem().string()))
        names.push_back(path.stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

uint64_t RecipeCache::enforce_limit(uint64_t limit) const {
  CacheSummary total = summary();
  if (total.bytes <= limit) return 0;
  std::multimap<fs::file_time_type, std::string> by_use;
  for (const std::string& name : names()) {
    std::error_code ec;
    auto when = fs::last_write_time(recipe_path(name), ec);
    if (!ec) by_use.emplace(when, name);
  }
  uint64_t removed = 0;
  uint64_t bytes = total.bytes;
  for (const auto& [when, name] : by_use) {
    if (bytes <= limit) break;
    std::error_code ec;
    uint64_t size = fs::file_size(recipe_path(name), ec);
    if (ec) size = 0;
    uint64_t meta_size = fs::file_size(meta_path(name), ec);
    if (ec) meta_size = 0;
    remove(name);
    bytes -= std::min(bytes, size + meta_size);
    ++removed;
  }
  return removed;
}

CacheSummary RecipeCache::summary() const {
  CacheSummary out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(m_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec) || it->is_symlink(file_ec)) continue;
    out.bytes += it->file_size(file_ec);
    const fs::path& path = it->path();
    if (path.extension() == ".toml" && path.parent_path() != m_dir) ++out.recipes;
  }
  return out;
}

}  // namespace tailor::registry
