#include "registry/manifest.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "registry/recipe_cache.hpp"
#include "util/fs.hpp"
#include "version/api_client.hpp"

namespace tailor::registry {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> string_list(const nlohmann::json& entry, const char* key) {
  std::vector<std::string> out;
  if (!entry.contains(key) || !entry[key].is_array()) return out;
  for (const auto& item : entry[key])
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::string string_of(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

fs::path manifest_file(const RegistrySettings& settings) { return settings.cache_dir / "manifest.json"; }
fs::path manifest_meta_file(const RegistrySettings& settings) { return settings.cache_dir / "manifest.meta.json"; }

std::set<std::string> names_of(const std::optional<Manifest>& manifest) {
  std::set<std::string> names;
  if (manifest)
    for (const auto& entry : manifest->recipes) names.insert(entry.name);
  return names;
}

}  // namespace

Result<Manifest> parse_manifest(std::string_view text, std::string_view origin) {
  if (text.size() > k_max_manifest_bytes) {
    return fail(ErrorKind::invalid_input, "{}: manifest larger than {} bytes, refused", origin, k_max_manifest_bytes);
  }
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail(ErrorKind::invalid_input, "{}: not a JSON object", origin);
  auto version = doc.find("schema_version");
  if (version == doc.end() || !version->is_number_integer()) {
    return fail(ErrorKind::invalid_input, "{}: no schema_version; not a registry manifest", origin);
  }
  if (version->get<int64_t>() != 1) {
    return fail(ErrorKind::invalid_input,
                "{}: manifest schema_version {} is not supported (this tailor reads version 1); update tailor", origin,
                version->get<int64_t>());
  }
  auto recipes = doc.find("recipes");
  if (recipes == doc.end() || !recipes->is_array()) {
    return fail(ErrorKind::invalid_input, "{}: \"recipes\" must be an array", origin);
  }
  Manifest manifest;
  manifest.generated_at = string_of(doc, "generated_at");
  if (auto deprecation = doc.find("deprecation"); deprecation != doc.end() && deprecation->is_object()) {
    manifest.deprecation = Deprecation{string_of(*deprecation, "sunset_date"),
                                       string_of(*deprecation, "min_cli_version"), string_of(*deprecation, "message")};
  }
  for (const auto& entry : *recipes) {
    if (!entry.is_object()) continue;
    ManifestEntry item{string_of(entry, "name"), string_of(entry, "description"), string_of(entry, "homepage"),
                       string_list(entry, "dependencies"), string_list(entry, "runtime_dependencies")};
    // A name that could not be looked up is of no use, and is never shown.
    if (!is_valid_recipe_name(item.name)) continue;
    manifest.recipes.push_back(std::move(item));
  }
  std::sort(manifest.recipes.begin(), manifest.recipes.end(),
            [](const ManifestEntry& a, const ManifestEntry& b) { return a.name < b.name; });
  return manifest;
}

Result<std::optional<Manifest>> load_manifest(const RegistrySettings& settings) {
  fs::path file = is_url(settings.manifest_url) ? manifest_file(settings) : fs::path(settings.manifest_url);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::optional<Manifest>();
  auto text = util::read_file(file, k_max_manifest_bytes);
  if (!text) return fail(text.error());
  auto manifest = parse_manifest(*text, file.string());
  if (!manifest) return fail(manifest.error());
  return std::optional<Manifest>(std::move(*manifest));
}

Result<ManifestUpdate> update_manifest(const RegistrySettings& settings) {
  auto before = load_manifest(settings);
  std::optional<Manifest> previous = before ? std::move(*before) : std::nullopt;
  std::string text;
  std::string etag;
  bool not_modified = false;
  if (is_url(settings.manifest_url)) {
    std::string cached_etag;
    if (previous) {
      if (auto meta = util::read_file(manifest_meta_file(settings), uint64_t{64} * 1024)) {
        auto doc = nlohmann::json::parse(*meta, nullptr, false);
        if (doc.is_object()) cached_etag = string_of(doc, "etag");
      }
    }
    version::ApiClient client(settings.client);
    std::map<std::string, std::string> headers;
    if (!cached_etag.empty()) headers["If-None-Match"] = cached_etag;
    auto response = client.get_uncached(
        version::ApiRequest(settings.manifest_url, "application/json", {}, k_max_manifest_bytes, false), headers);
    if (!response) return fail(response.error());
    if (response->status == 304 && previous) {
      not_modified = true;
      etag = cached_etag;
    } else if (response->status != 200) {
      return fail(ErrorKind::network, "registry manifest: HTTP {} from {}", response->status, settings.manifest_url);
    } else {
      text = std::move(response->body);
      etag = response->header("etag");
    }
  } else {
    auto read = util::read_file(settings.manifest_url, k_max_manifest_bytes);
    if (!read) return fail(read.error());
    text = std::move(*read);
  }
  ManifestUpdate update;
  if (not_modified) {
    update.recipes = previous->recipes.size();
  } else {
    auto manifest = parse_manifest(text, settings.manifest_url);
    if (!manifest) return fail(manifest.error());
    std::set<std::string> old_names = names_of(previous);
    std::set<std::string> new_names = names_of(manifest.value());
    std::set_difference(new_names.begin(), new_names.end(), old_names.begin(), old_names.end(),
                        std::back_inserter(update.added));
    std::set_difference(old_names.begin(), old_names.end(), new_names.begin(), new_names.end(),
                        std::back_inserter(update.removed));
    update.recipes = manifest->recipes.size();
    update.changed = !previous || !update.added.empty() || !update.removed.empty() ||
                     previous->generated_at != manifest->generated_at;
    if (is_url(settings.manifest_url)) {
      std::error_code ec;
      fs::create_directories(settings.cache_dir, ec);
      if (auto stored = util::write_file_atomic(manifest_file(settings), text, 0644, util::Durability::best_effort);
          !stored)
        return fail(stored.error());
    }
  }
  if (is_url(settings.manifest_url)) {
    nlohmann::ordered_json meta{{"url", settings.manifest_url}, {"fetched_at", unix_now()}, {"etag", etag}};
    (void)util::write_file_atomic(manifest_meta_file(settings), meta.dump(2) + "\n", 0644,
                                  util::Durability::best_effort);
  }
  return update;
}

}  // namespace tailor::registry
