#include "version/resolver.hpp"

#include <cstdlib>

#include "config/config.hpp"
#include "config/environment.hpp"
#include "config/home.hpp"
#include "recipe/request.hpp"
#include "util/strings.hpp"
#include "version/providers.hpp"
#include "version/version_compare.hpp"

namespace tailor::version {
namespace {

// docs/versions.md, "Resolving a request": latest, channels, dot-boundary prefix match on the listing, or a look-up.
Result<ResolvedVersion> resolve_with(Provider& provider, const std::string& requested) {
  if (requested.empty() || requested == "latest") return provider.latest();
  if (auto checked = recipe::check_version_request(requested); !checked) return fail(checked.error());
  if (requested.front() == '@') return provider.channel(requested);
  if (!provider.can_list()) return provider.exact(requested);
  auto listed = provider.list();
  if (!listed) return provider.exact(requested);
  // Unstable versions only answer a request that itself names a pre-release.
  const bool want_unstable = has_prerelease_marker(requested);
  for (const auto& entry : *listed) {
    if ((entry.stable || want_unstable) && matches_pin(entry.version, requested)) {
      return ResolvedVersion{entry.version, entry.tag, {}};
    }
  }
  std::vector<std::string> known;
  for (const auto& entry : *listed) known.push_back(entry.version);
  auto nearest = nearest_versions(requested, known);
  if (nearest.empty())
    return fail(ErrorKind::version, "version {} not found: {} lists no versions", requested, provider.describe());
  return fail(ErrorKind::version, "version {} not found in {}; nearest: {}", requested, provider.describe(),
              util::join(nearest, ", "));
}

ProviderContext context_for(const ResolverOptions& options, ApiClient* client, const recipe::Recipe* recipe) {
  ProviderContext context;
  context.client = client;
  context.endpoints = options.endpoints;
  context.python_version = options.python_version;
  context.stable_qualifiers = recipe != nullptr && recipe->version.stable_qualifiers
                                  ? *recipe->version.stable_qualifiers
                                  : default_stable_qualifiers();
  return context;
}

class ProviderResolver final : public Resolver {
 public:
  explicit ProviderResolver(const ResolverOptions& options) : m_options(options), m_client(options.client) {}

  Result<ResolvedVersion> resolve(const recipe::Recipe& recipe, const std::string& requested) override {
    auto provider = select_provider(recipe, context_for(m_options, &m_client, &recipe));
    if (!provider) return fail(provider.error());
    return resolve_with(**provider, requested);
  }

  Result<std::vector<std::string>> release_assets(const std::string& repo, const std::string& tag) override {
    auto assets = release_asset_details(repo, tag);
    if (!assets) return fail(assets.error());
    std::vector<std::string> names;
    for (const auto& asset : *assets) names.push_back(asset.name);
    return names;
  }

  // Asked once per release and run: the rung check, the asset pattern and the digest of an
  // artifact all read the same listing.
  Result<std::vector<ReleaseAsset>> release_asset_details(const std::string& repo, const std::string& tag) override {
    const std::string key = repo + "@" + tag;
    if (auto known = m_releases.find(key); known != m_releases.end()) return known->second;
    auto context = context_for(m_options, &m_client, nullptr);
    auto assets = github_release_assets(context, repo, tag);
    if (assets) m_releases[key] = *assets;
    return assets;
  }

  Result<std::vector<std::string>> tags(const std::string& repo) override {
    auto context = context_for(m_options, &m_client, nullptr);
    return github_tags(context, repo);
  }

  Result<HomebrewBottle> homebrew_bottle(const std::string& formula, const std::string& version_tag,
                                         const std::string& os, const std::string& arch) override {
    auto context = context_for(m_options, &m_client, nullptr);
    return find_homebrew_bottle(context, formula, version_tag, os, arch);
  }

 private:
  ResolverOptions m_options;
  ApiClient m_client;
  std::map<std::string, std::vector<ReleaseAsset>> m_releases;  // by "repo@tag"
};

std::optional<long long> env_integer(config::EnvVar var) {
  auto value = config::env_value(var);
  if (!value || value->empty()) return std::nullopt;
  char* end = nullptr;
  long long parsed = std::strtoll(value->c_str(), &end, 10);
  if (*end != '\0' || parsed < 0) return std::nullopt;
  return parsed;
}

}  // namespace

ResolverOptions default_resolver_options(bool refresh) {
  ResolverOptions options;
  options.endpoints = endpoints_from_environment();
  const auto home = config::tailor_home();
  auto& client = options.client;
  client.cache_dir = home / "cache" / "api";
  client.refresh = refresh;
  client.github_api = options.endpoints.github_api;
  if (auto ttl = env_integer(config::EnvVar::tailor_api_cache_ttl)) client.cache_ttl = std::chrono::seconds(*ttl);
  if (auto loaded = config::load_config(home, nullptr, config::uses::api)) {
    client.timeout = loaded->duration("network.api_timeout");
    client.github_token = loaded->secret("github_token").value_or("");
  } else {
    // Commands that look versions up load the configuration first and stop on an invalid
    // api key (cli/plan_support.cpp, cli/cmd_versions.cpp); a library caller keeps the
    // default timeout and the token variables.
    for (config::EnvVar var : {config::EnvVar::github_token, config::EnvVar::gh_token}) {
      auto token = config::env_value(var);
      if (token && !token->empty() && client.github_token.empty()) client.github_token = *token;
    }
  }
  if (auto ca = config::env_value(config::EnvVar::tailor_ca_bundle)) client.ca_bundle = *ca;
  if (auto insecure = config::env_value(config::EnvVar::tailor_allow_insecure_loopback)) {
    client.allow_insecure_loopback = *insecure == "1";
  }
  if (auto python = config::env_value(config::EnvVar::tailor_python_version); python && !python->empty()) {
    options.python_version = *python;
  }
  return options;
}

std::unique_ptr<Resolver> make_resolver(const ResolverOptions& options) {
  return std::make_unique<ProviderResolver>(options);
}

Result<VersionListing> list_versions(const ResolverOptions& options, const recipe::Recipe& recipe,
                                     bool include_unstable) {
  ApiClient client(options.client);
  auto provider = select_provider(recipe, context_for(options, &client, &recipe));
  if (!provider) return fail(provider.error());
  VersionListing listing;
  listing.provider = (*provider)->describe();
  auto latest = (*provider)->latest();
  if (latest)
    listing.selected = latest->version;
  else
    listing.selected_error = latest.error().message;
  if ((*provider)->can_list()) {
    auto listed = (*provider)->list();
    if (!listed) return fail(listed.error());
    for (auto& entry : *listed) {
      if (entry.stable || include_unstable) listing.versions.push_back(std::move(entry));
    }
  } else if (latest) {
    listing.versions.push_back({latest->version, latest->version_tag, true});
  }
  if (listing.versions.empty() && !latest) return fail(latest.error());
  return listing;
}

}  // namespace tailor::version
