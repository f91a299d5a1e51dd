#include "registry/catalog.hpp"

namespace tailor::registry {

Result<Catalog> load_catalog(const recipe::Registry& local, const RegistrySettings& settings,
                             const util::Output& output) {
  Catalog catalog;
  for (const std::string& name : local.names()) {
    auto found = local.find(name);
    std::string description;
    if (found && *found != nullptr) description = (*found)->metadata.description;
    std::string source = local.source_of(name);
    catalog.entries.push_back({name, description, source == "embedded" ? source : "dir " + source});
  }
  auto manifest = load_manifest(settings);
  if (!manifest) return fail(manifest.error());
  if (!*manifest && is_url(settings.manifest_url) && !settings.offline) {
    if (auto fetched = update_manifest(settings); !fetched) {
      output.warn("the registry manifest could not be fetched ({}); showing local recipes only",
                  fetched.error().message);
    } else {
      manifest = load_manifest(settings);
      if (!manifest) return fail(manifest.error());
    }
  }
  if (*manifest) {
    catalog.manifest_loaded = true;
    catalog.deprecation = (*manifest)->deprecation;
    for (ManifestEntry& entry : (*manifest)->recipes)
      catalog.entries.push_back({std::move(entry.name), std::move(entry.description), "central"});
  }
  return catalog;
}

}  // namespace tailor::registry
