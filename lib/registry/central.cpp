#include "registry/central.hpp"

#include "fetch/fetch_config.hpp"
#include "recipe/decode.hpp"
#include "recipe/validate.hpp"
#include "registry/manifest.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "version/api_client.hpp"

namespace tailor::registry {
namespace fs = std::filesystem;

Status validate_fetched(std::string_view text, const std::string& origin) {
  if (text.size() > recipe::detail::k_max_recipe_bytes) {
    return fail(ErrorKind::invalid_input, "{}: recipe larger than {} bytes, refused", origin,
                recipe::detail::k_max_recipe_bytes);
  }
  recipe::ValidationResult result = recipe::validate_recipe_text(text, origin, {});
  if (result.valid) return {};
  std::vector<std::string> errors;
  for (const std::string& line : util::split(recipe::format_diagnostics(result), '\n')) {
    if (line.find(": error: ") != std::string::npos) errors.push_back(line);
  }
  return fail(ErrorKind::failure, "refused an invalid recipe from the registry (not cached):\n{}",
              util::join(errors, "\n"));
}

CentralRegistry::CentralRegistry(fs::path home, bool offline, const util::Output* output)
    : m_home(std::move(home)), m_offline(offline), m_output(output) {}

Result<const RegistrySettings*> CentralRegistry::settings() const {
  std::lock_guard lock(m_mutex);
  if (!m_settings) m_settings = load_registry_settings(m_home, m_offline);
  if (!*m_settings) return fail(m_settings->error());
  return &**m_settings;
}

std::vector<std::string> CentralRegistry::known_names() const {
  auto s = settings();
  if (!s) return {};
  std::vector<std::string> names = RecipeCache((*s)->cache_dir).names();
  if (auto manifest = load_manifest(**s); manifest && *manifest) {
    for (const ManifestEntry& entry : (*manifest)->recipes) names.push_back(entry.name);
  }
  return names;
}

recipe::RemoteRecipe CentralRegistry::from_cache(const RegistrySettings& s, const CachedRecipe& cached) const {
  return recipe::RemoteRecipe{cached.text, cached.meta.url, "central " + s.url, cached.meta.sha256};
}

Result<ConditionalReply> conditional_get(const version::ApiClientOptions& options, const std::string& url,
                                         const std::string& etag, uint64_t limit, const std::string& accept) {
  version::ApiClient client(options);
  version::ApiRequest get(url, accept, {}, limit, false);
  std::map<std::string, std::string> headers;
  if (!etag.empty()) headers["If-None-Match"] = etag;
  auto response = client.get_uncached(get, headers);
  ConditionalReply out;
  if (!response) {
    // Oversized or otherwise refused answers are the registry's fault, not the network's.
    if (response.error().kind != ErrorKind::network) return fail(response.error());
    out.error = response.error().message;
    return out;
  }
  out.status = response->status;
  if (out.status == 200 || out.status == 304 || out.status == 404) {
    out.body = std::move(response->body);
    out.etag = response->header("etag");
  } else {
    out.error = fmt::format("HTTP {} from {}", out.status, url);
    out.status = 0;
  }
  return out;
}

Result<ConditionalReply> CentralRegistry::request(const RegistrySettings& s, const std::string& url,
                                                  const std::string& etag) const {
  return conditional_get(s.client, url, etag, recipe::detail::k_max_recipe_bytes);
}

Result<recipe::RemoteAnswer> CentralRegistry::fetch_local(const RegistrySettings& s, std::string_view name) const {
  const fs::path file = fs::path(s.url) / recipe_relative_path(name);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return recipe::RemoteAnswer{std::nullopt, "the registry " + s.url + " has none"};
  auto text = util::read_file(file, recipe::detail::k_max_recipe_bytes);
  if (!text) return fail(text.error());
  if (auto valid = validate_fetched(*text, file.string()); !valid) return fail(valid.error());
  return recipe::RemoteAnswer{recipe::RemoteRecipe{*text, file.string(), "central " + s.url, util::sha256_hex(*text)},
                              {}};
}

Result<recipe::RemoteAnswer> CentralRegistry::unreachable(const RegistrySettings& s, std::string_view name,
                                                          const std::optional<CachedRecipe>& cached,
                                                          const std::string& why) const {
  if (!cached) {
    return recipe::RemoteAnswer{std::nullopt, fmt::format("the central registry {} could not be reached ({}); "
                                                          "a recipe from there needs the network once",
                                                          s.url, why)};
  }
  const int64_t age = unix_now() - cached->meta.fetched_at;
  if (age > s.stale_limit.count()) {
    return fail(ErrorKind::network,
                "the central registry {} could not be reached ({}) and the cached recipe '{}' is {} old, "
                "beyond registry.stale_limit ({}); retry when the network is back, or raise registry.stale_limit",
                s.url, why, name, describe_age(age), describe_age(s.stale_limit.count()));
  }
  if (m_output != nullptr) {
    m_output->warn("the central registry could not be reached ({}); using the cached recipe '{}' from {} ago", why,
                   name, describe_age(age));
  }
  RecipeCache(s.cache_dir).touch(name);
  return recipe::RemoteAnswer{from_cache(s, *cached), {}};
}

Result<recipe::RemoteAnswer> CentralRegistry::fetch(std::string_view name) const {
  // The name becomes a path and a URL: anything outside the registry's alphabet is never asked for.
  if (!is_valid_recipe_name(name)) return recipe::RemoteAnswer{};
  auto settings_result = settings();
  if (!settings_result) return fail(settings_result.error());
  const RegistrySettings& s = **settings_result;
  if (!is_url(s.url)) return fetch_local(s, name);
  const std::string url = s.url + "/" + recipe_relative_path(name);
  if (auto allowed = fetch::check_url_allowed(url, s.client.allow_insecure_loopback); !allowed) {
    return fail(ErrorKind::usage, "registry.url: {}", allowed.error().message);
  }
  RecipeCache cache(s.cache_dir);
  std::optional<CachedRecipe> cached = cache.load(name);
  if (cached && cached->meta.url != url) cached.reset();  // cached from another registry.url
  const int64_t now = unix_now();
  if (s.offline) {
    if (!cached) {
      return recipe::RemoteAnswer{std::nullopt,
                                  "offline: the registry cache has no copy and the central registry was not asked"};
    }
    if (m_output != nullptr) {
      m_output->info("offline: using the cached registry recipe '{}' from {} ago", name,
                     describe_age(now - cached->meta.fetched_at));
    }
    cache.touch(name);
    return recipe::RemoteAnswer{from_cache(s, *cached), {}};
  }
  if (cached && now >= cached->meta.fetched_at && now - cached->meta.fetched_at < s.ttl.count()) {
    cache.touch(name);
    return recipe::RemoteAnswer{from_cache(s, *cached), {}};
  }
  auto got = request(s, url, cached ? cached->meta.etag : std::string());
  if (!got) return fail(got.error());
  if (got->status == 0) return unreachable(s, name, cached, got->error);
  if (got->status == 304 && cached) {
    cached->meta.fetched_at = now;
    (void)cache.store_meta(name, cached->meta);
    cache.touch(name);
    return recipe::RemoteAnswer{from_cache(s, *cached), {}};
  }
  if (got->status == 404) {
    if (cached) cache.remove(name);
    return recipe::RemoteAnswer{std::nullopt, "the central registry " + s.url + " has none either"};
  }
  if (got->status != 200) return unreachable(s, name, cached, fmt::format("HTTP {} from {}", got->status, url));
  if (auto valid = validate_fetched(got->body, url); !valid) return fail(valid.error());
  CacheMeta meta{url, now, got->etag, util::sha256_hex(got->body), got->body.size()};
  // A cache that cannot be written costs a request next time, not this lookup.
  if (cache.store(name, got->body, meta)) cache.enforce_limit(s.cache_limit);
  return recipe::RemoteAnswer{recipe::RemoteRecipe{got->body, url, "central " + s.url, meta.sha256}, {}};
}

RefreshResult CentralRegistry::refresh(std::string_view name) const {
  RefreshResult out{std::string(name), RefreshKind::unchanged, {}};
  auto settings_result = settings();
  if (!settings_result) return {out.name, RefreshKind::failed, settings_result.error().message};
  const RegistrySettings& s = **settings_result;
  RecipeCache cache(s.cache_dir);
  std::optional<CachedRecipe> cached = cache.load(name);
  const std::string url = s.url + "/" + recipe_relative_path(name);
  auto got = request(s, url, cached ? cached->meta.etag : std::string());
  if (!got) return {out.name, RefreshKind::failed, got.error().message};
  const int64_t now = unix_now();
  if (got->status == 0) return {out.name, RefreshKind::failed, got->error};
  if (got->status == 404) {
    cache.remove(name);
    return {out.name, RefreshKind::removed, {}};
  }
  if (got->status == 304 && cached) {
    cached->meta.fetched_at = now;
    (void)cache.store_meta(name, cached->meta);
    return out;
  }
  if (got->status != 200) return {out.name, RefreshKind::failed, fmt::format("HTTP {} from {}", got->status, url)};
  if (auto valid = validate_fetched(got->body, url); !valid)
    return {out.name, RefreshKind::failed, valid.error().message};
  const std::string sha = util::sha256_hex(got->body);
  CacheMeta meta{url, now, got->etag, sha, got->body.size()};
  if (auto stored = cache.store(name, got->body, meta); !stored) {
    return {out.name, RefreshKind::failed, stored.error().message};
  }
  if (!cached || cached->meta.sha256 != sha) out.kind = RefreshKind::updated;
  return out;
}

}  // namespace tailor::registry
