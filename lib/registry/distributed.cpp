#include "registry/distributed.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "fetch/fetch_config.hpp"
#include "recipe/decode.hpp"
#include "registry/central.hpp"
#include "registry/recipe_cache.hpp"
#include "registry/registered.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace tailor::registry {
namespace {

// One lookup in one repository.
struct Lookup {
  const RegistrySettings& settings;
  const SourceRef& ref;
  const util::Output* output;
  RecipeCache cache;
  version::ApiClientOptions api;  // GitHub API: receives the token
  version::ApiClientOptions raw;  // raw files: never receives the token
  std::string api_base;
  int64_t now = unix_now();

  std::string source() const { return "registry " + ref.slug(); }

  recipe::RemoteAnswer answer(const CachedRecipe& cached, std::string_view name) const {
    cache.touch(name);
    return recipe::RemoteAnswer{recipe::RemoteRecipe{cached.text, cached.meta.url, source(), cached.meta.sha256}, {}};
  }

  bool fresh(const CachedRecipe& cached) const {
    return now >= cached.meta.fetched_at && now - cached.meta.fetched_at < k_distributed_ttl.count();
  }

  // GitHub could not be reached: a copy within registry.stale_limit, with a warning.
  Result<recipe::RemoteAnswer> unreachable(std::string_view name, const std::optional<CachedRecipe>& cached,
                                           const std::string& why) const {
    if (!cached) {
      return fail(ErrorKind::network,
                  "the registry {} could not be reached ({}); a recipe from there needs the "
                  "network once",
                  ref.slug(), why);
    }
    const int64_t age = now - cached->meta.fetched_at;
    if (age > settings.stale_limit.count()) {
      return fail(ErrorKind::network,
                  "the registry {} could not be reached ({}) and the cached recipe '{}' is {} old, beyond "
                  "registry.stale_limit ({}); retry when the network is back, or raise registry.stale_limit",
                  ref.slug(), why, name, describe_age(age), describe_age(settings.stale_limit.count()));
    }
    if (output != nullptr) {
      output->warn("the registry {} could not be reached ({}); using the cached recipe '{}' from {} ago", ref.slug(),
                   why, name, describe_age(age));
    }
    return answer(*cached, name);
  }

  // Validates a fetched recipe (every check of `tailor validate`, and the name it declares)
  // and caches it.
  Result<recipe::RemoteAnswer> accept(std::string_view name, const std::string& url, ConditionalReply& got) const {
    if (auto valid = validate_fetched(got.body, url); !valid) return fail(valid.error());
    auto parsed = recipe::parse_recipe(got.body, url);
    if (!parsed) return fail(parsed.error());
    if (parsed->metadata.name != name) {
      return fail(ErrorKind::failure, "{}: the recipe declares the name '{}', not '{}'; refused (not cached)", url,
                  parsed->metadata.name, name);
    }
    CacheMeta meta{url, now, got.etag, util::sha256_hex(got.body), got.body.size()};
    // A cache that cannot be written costs a request next time, not this lookup.
    (void)cache.store(name, got.body, meta);
    return recipe::RemoteAnswer{recipe::RemoteRecipe{std::move(got.body), url, source(), meta.sha256}, {}};
  }

  // The recipe files of `.tsuku-recipes/` by name, with their download URLs; none with a note
  // when the repository has no such directory.
  Result<std::optional<std::map<std::string, std::string>>> list(std::string& note,
                                                                 std::string& unreachable_why) const {
    const std::string url = api_base + "/repos/" + ref.owner + "/" + ref.repo + "/contents/.tsuku-recipes";
    if (auto allowed = fetch::check_url_allowed(url, api.allow_insecure_loopback); !allowed) {
      return fail(ErrorKind::usage, "the GitHub API of {}: {}", ref.slug(), allowed.error().message);
    }
    auto got = conditional_get(api, url, {}, k_max_listing_bytes, "application/vnd.github+json");
    if (!got) return fail(got.error());
    if (got->status == 0) {
      unreachable_why = got->error;
      return std::nullopt;
    }
    if (got->status == 404) {
      note = fmt::format("the repository {} has no .tsuku-recipes directory{}", ref.slug(),
                         api.github_token.empty() ? " (or is private: set GITHUB_TOKEN)" : "");
      return std::nullopt;
    }
    auto doc = nlohmann::json::parse(got->body, nullptr, false);
    if (doc.is_discarded() || !doc.is_array()) {
      return fail(ErrorKind::invalid_input, "{}: not a GitHub contents listing (a JSON array was expected)", url);
    }
    std::map<std::string, std::string> files;
    for (const auto& entry : doc) {
      if (!entry.is_object()) continue;
      const std::string file = entry.value("name", std::string());
      const std::string type = entry.value("type", std::string("file"));
      const auto download = entry.find("download_url");
      if (type != "file" || !file.ends_with(".toml") || download == entry.end() || !download->is_string()) continue;
      const std::string stem = file.substr(0, file.size() - 5);
      if (is_valid_recipe_name(stem)) files.emplace(stem, download->get<std::string>());
    }
    return files;
  }

  // `owner/repo` alone: the recipe named like the repository, else the only one.
  std::string pick(const std::map<std::string, std::string>& files, std::string& note) const {
    if (files.contains(ref.repo)) return ref.repo;
    if (files.size() == 1) return files.begin()->first;
    std::vector<std::string> names;
    names.reserve(files.size());
    for (const auto& [name, url] : files) names.push_back(name);
    note = files.empty() ? fmt::format("the repository {} has no recipes in .tsuku-recipes", ref.slug())
                         : fmt::format("the repository {} has several recipes ({}); name one: {}:{}", ref.slug(),
                                       util::join(names, ", "), ref.slug(), names.front());
    return {};
  }

  Result<recipe::RemoteAnswer> run() const {
    std::string name = ref.recipe;
    if (name.empty() && is_valid_recipe_name(ref.repo) && cache.load(ref.repo)) name = ref.repo;
    std::optional<CachedRecipe> cached = name.empty() ? std::nullopt : cache.load(name);
    if (settings.offline) {
      if (!cached) {
        return recipe::RemoteAnswer{
            std::nullopt, fmt::format("offline: the cache of {} has no copy and GitHub was not asked", ref.slug())};
      }
      if (output != nullptr) {
        output->info("offline: using the cached recipe '{}' of {} from {} ago", name, ref.slug(),
                     describe_age(now - cached->meta.fetched_at));
      }
      return answer(*cached, name);
    }
    if (cached && fresh(*cached)) return answer(*cached, name);
    if (cached) {
      // Revalidate the file where it was found; a 404 asks the listing again (it may have moved).
      auto got = conditional_get(raw, cached->meta.url, cached->meta.etag, recipe::detail::k_max_recipe_bytes);
      if (!got) return fail(got.error());
      if (got->status == 0) return unreachable(name, cached, got->error);
      if (got->status == 304) {
        cached->meta.fetched_at = now;
        (void)cache.store_meta(name, cached->meta);
        return answer(*cached, name);
      }
      if (got->status == 200) return accept(name, cached->meta.url, *got);
      cache.remove(name);
      cached.reset();
    }
    std::string note;
    std::string why;
    auto files = list(note, why);
    if (!files) return fail(files.error());
    if (!*files) {
      if (!why.empty()) return unreachable(name, cached, why);
      return recipe::RemoteAnswer{std::nullopt, note};
    }
    if (name.empty()) name = pick(**files, note);
    if (name.empty()) return recipe::RemoteAnswer{std::nullopt, note};
    auto file = (*files)->find(name);
    if (file == (*files)->end()) {
      return recipe::RemoteAnswer{std::nullopt,
                                  fmt::format("the repository {} has no {}.toml in .tsuku-recipes", ref.slug(), name)};
    }
    const std::string& url = file->second;
    if (auto allowed = fetch::check_url_allowed(url, raw.allow_insecure_loopback); !allowed) {
      return fail(ErrorKind::invalid_input, "{}: download_url of {}: {}", ref.slug(), name, allowed.error().message);
    }
    auto got = conditional_get(raw, url, {}, recipe::detail::k_max_recipe_bytes);
    if (!got) return fail(got.error());
    if (got->status == 0) return unreachable(name, std::nullopt, got->error);
    if (got->status != 200) {
      return fail(ErrorKind::network, "GET {}: HTTP {} for a file the listing of {} names", url, got->status,
                  ref.slug());
    }
    return accept(name, url, *got);
  }
};

}  // namespace

Result<recipe::RemoteAnswer> DistributedRegistry::fetch(const SourceRef& ref) const {
  auto settings_result = m_settings();
  if (!settings_result) return fail(settings_result.error());
  const RegistrySettings& s = **settings_result;
  auto registered = load_registered_sources(s.home);
  if (!registered) return fail(registered.error());
  const RegisteredSource* known = registered->find(ref.slug());
  if (known == nullptr && s.strict) {
    return fail(ErrorKind::usage,
                "{} is not a registered recipe source and registry.strict is set; register it first with "
                "`tailor registry add {}`",
                ref.slug(), ref.slug());
  }
  Lookup lookup{s, ref, m_output, RecipeCache(source_cache_dir(s.home, ref)), s.client, s.client, {}, unix_now()};
  lookup.api_base = known != nullptr && !known->api_url.empty() ? known->api_url : s.github_api;
  lookup.api.github_api = lookup.api_base;
  lookup.api.github_token = s.github_token;
  lookup.raw.github_api.clear();
  lookup.raw.github_token.clear();
  return lookup.run();
}

}  // namespace tailor::registry
