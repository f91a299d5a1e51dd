#pragma once
// Version resolution and the network look-ups composites need at plan time
// (docs/versions.md).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recipe/recipe.hpp"
#include "util/result.hpp"
#include "version/api_client.hpp"
#include "version/endpoints.hpp"

namespace tailor::version {

struct ResolvedVersion {
  std::string version;                          // "1.2.3"
  std::string version_tag;                      // "v1.2.3"
  std::map<std::string, std::string> metadata;  // version.<key> template variables
};

struct HomebrewBottle {
  std::string url;     // https://ghcr.io/v2/homebrew/core/<path>/blobs/sha256:<digest>
  std::string digest;  // hex, no "sha256:"
  uint64_t size = 0;
};

// One asset of a GitHub release as its listing states it.
struct ReleaseAsset {
  std::string name;
  std::string sha256;  // the listing's `digest` without "sha256:", lowercase hex; "" when it has none
  uint64_t size = 0;   // the listing's `size`; 0 when absent
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  // Resolves `requested` ("" or "latest" = newest stable) with the recipe's provider.
  virtual Result<ResolvedVersion> resolve(const recipe::Recipe& recipe, const std::string& requested) = 0;
  // Release asset names of `tag` in listing order (for wildcard asset patterns).
  virtual Result<std::vector<std::string>> release_assets(const std::string& repo, const std::string& tag) = 0;
  // The same assets with the digest and size the listing states (GitHub lists `digest`
  // "sha256:<hex>" per asset); this default knows the names only.
  virtual Result<std::vector<ReleaseAsset>> release_asset_details(const std::string& repo, const std::string& tag) {
    auto names = release_assets(repo, tag);
    if (!names) return tl::unexpected(names.error());
    std::vector<ReleaseAsset> assets;
    for (auto& name : *names) assets.push_back(ReleaseAsset{std::move(name), "", 0});
    return assets;
  }
  // Tags of the repository, newest first (for the wildcard version fallback).
  virtual Result<std::vector<std::string>> tags(const std::string& repo) = 0;
  // The bottle of `formula` at `version_tag` for the platform.
  virtual Result<HomebrewBottle> homebrew_bottle(const std::string& formula, const std::string& version_tag,
                                                 const std::string& os, const std::string& arch) = 0;
  // The release tag of a version that is already pinned (a lock, a golden file), when this
  // resolver knows it without asking a provider; nullopt = the version is taken as its tag.
  virtual std::optional<std::string> pinned_tag(const recipe::Recipe& /*recipe*/, const std::string& /*version*/) {
    return std::nullopt;
  }
};

// Whether the recipe names a version source, explicitly or through a step a provider is
// inferred from (docs/versions.md, "Choosing the provider"). Recipes without one install as version "dev".
bool has_version_source(const recipe::Recipe& recipe);

// The provider that answers for `recipe`, as messages name it ("GitHub releases of owner/repo");
// "" when none applies. Asks nothing over the network.
std::string describe_provider(const recipe::Recipe& recipe);

// Where providers live and how the API client behaves.
struct ResolverOptions {
  Endpoints endpoints;
  ApiClientOptions client;
  std::string python_version = "3.12";  // bundled Python for PyPI's requires_python (TAILOR_PYTHON_VERSION)
};

// Options from the environment and $TAILOR_HOME/config.toml: the TAILOR_* base URLs, the cache in
// $TAILOR_HOME/cache/api (TTL TAILOR_API_CACHE_TTL seconds, default 1 h), network.api_timeout
// (TAILOR_API_TIMEOUT), the github_token secret (GITHUB_TOKEN, GH_TOKEN), TAILOR_CA_BUNDLE and
// TAILOR_ALLOW_INSECURE_LOOPBACK. `refresh` ignores cached responses.
ResolverOptions default_resolver_options(bool refresh = false);

// The resolver over the real providers.
std::unique_ptr<Resolver> make_resolver(const ResolverOptions& options);

// One version a provider knows: `version` normalised, `tag` as upstream names it.
struct ListedVersion {
  std::string version;
  std::string tag;
  bool stable = true;  // docs/versions.md, "Resolving a request", plus the provider's markers (yanked, prerelease)
};

struct VersionListing {
  std::string provider;                 // "GitHub releases of owner/repo"
  std::vector<ListedVersion> versions;  // newest first
  std::string selected;                 // what `install` picks; "" when that failed
  std::string selected_error;           // why it failed
};

// Known versions of `recipe`, newest first; pre-releases only with `include_unstable`. Providers
// that cannot list report just the version `install` would pick.
Result<VersionListing> list_versions(const ResolverOptions& options, const recipe::Recipe& recipe,
                                     bool include_unstable);

}  // namespace tailor::version
