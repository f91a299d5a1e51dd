#pragma once
// The registry settings (docs/registries.md): where the central registry and its manifest
// live, how long cached copies count as fresh, and whether the network may be used at all.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "version/api_client.hpp"

namespace tailor::registry {

struct RegistrySettings {
  std::string url;           // https base URL, or a local directory with the same layout
  std::string manifest_url;  // https URL, or a local file
  std::chrono::seconds ttl{24 * 3600};
  std::chrono::seconds stale_limit{7 * 24 * 3600};
  uint64_t cache_limit = uint64_t{50} << 20;
  bool offline = false;
  bool strict = false;               // registry.strict: only registered distributed registries
  std::filesystem::path cache_dir;   // $TAILOR_HOME/registry
  std::filesystem::path home;        // $TAILOR_HOME
  std::string github_api;            // TAILOR_GITHUB_API, default https://api.github.com
  std::string github_token;          // secrets.github_token (GITHUB_TOKEN, GH_TOKEN); API host only
  version::ApiClientOptions client;  // no response cache: the registry keeps its own
};

// Settings from `<home>/config.toml` and the environment (registry.*, network.api_timeout,
// TAILOR_CA_BUNDLE, TAILOR_ALLOW_INSECURE_LOOPBACK); `offline` (--offline) wins over
// registry.offline.
Result<RegistrySettings> load_registry_settings(const std::filesystem::path& home, bool offline);

// Whether a registry or manifest location is a URL (http:// or https://) rather than a path.
bool is_url(std::string_view location);

// Whether `name` may be looked up at all (recipe::check_tool_name: ^[a-z0-9][a-z0-9._+-]*$,
// at most 128 characters). Anything else is refused before a request or a file name is built
// from it; this also covers dependency names that come from fetched recipes.
bool is_valid_recipe_name(std::string_view name);

// `recipes/<first letter>/<name>.toml`, the layout of tsuku's registry.
std::string recipe_relative_path(std::string_view name);

}  // namespace tailor::registry
