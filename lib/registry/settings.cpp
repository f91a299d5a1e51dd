#include "registry/settings.hpp"

#include "config/config.hpp"
#include "config/environment.hpp"
#include "recipe/request.hpp"
#include "version/endpoints.hpp"

namespace tailor::registry {

bool is_url(std::string_view location) { return location.starts_with("https://") || location.starts_with("http://"); }

bool is_valid_recipe_name(std::string_view name) { return recipe::check_tool_name(name).has_value(); }

std::string recipe_relative_path(std::string_view name) {
  return "recipes/" + std::string(1, name.front()) + "/" + std::string(name) + ".toml";
}

Result<RegistrySettings> load_registry_settings(const std::filesystem::path& home, bool offline) {
  auto config = config::load_config(home, nullptr, config::uses::plan | config::uses::api);
  if (!config) return fail(config.error());
  RegistrySettings settings;
  settings.url = config->get("registry.url");
  while (settings.url.size() > 1 && settings.url.back() == '/') settings.url.pop_back();
  settings.manifest_url = config->get("registry.manifest_url");
  settings.ttl = std::chrono::duration_cast<std::chrono::seconds>(config->duration("registry.ttl"));
  settings.stale_limit = std::chrono::duration_cast<std::chrono::seconds>(config->duration("registry.stale_limit"));
  settings.cache_limit = config->size("registry.cache_size");
  settings.offline = offline || config->boolean("registry.offline");
  settings.strict = config->boolean("registry.strict");
  settings.cache_dir = home / "registry";
  settings.home = home;
  settings.github_api = version::endpoints_from_environment().github_api;
  settings.github_token = config->secret("github_token").value_or("");
  settings.client.timeout = config->duration("network.api_timeout");
  if (auto ca = config::env_value(config::EnvVar::tailor_ca_bundle)) settings.client.ca_bundle = *ca;
  if (auto insecure = config::env_value(config::EnvVar::tailor_allow_insecure_loopback)) {
    settings.client.allow_insecure_loopback = *insecure == "1";
  }
  return settings;
}

}  // namespace tailor::registry
