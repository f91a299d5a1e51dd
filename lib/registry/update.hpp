#pragma once
// `tailor update-registry` (docs/registries.md, "Updating"): the manifest, then every cached
// recipe revalidated whatever its age, a few at a time.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "registry/central.hpp"
#include "registry/manifest.hpp"

namespace tailor::registry {

struct UpdateReport {
  std::optional<ManifestUpdate> manifest;  // nullopt when it failed
  std::string manifest_error;
  std::vector<RefreshResult> recipes;  // sorted by name
};

// Refreshes the manifest and the cached recipes, `parallel` requests at a time; `progress`
// (may be empty) hears (done, total) after each recipe. Offline is a usage error.
Result<UpdateReport> update_registry(const CentralRegistry& central, unsigned parallel,
                                     const std::function<void(size_t, size_t)>& progress);

}  // namespace tailor::registry
