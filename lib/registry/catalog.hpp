#pragma once
// Everything a user could install by name, for `tailor search` and `tailor recipes --all`:
// the local recipes (directories, embedded) in lookup order, then the registry manifest.
#include <optional>
#include <string>
#include <vector>

#include "recipe/registry.hpp"
#include "registry/manifest.hpp"
#include "registry/search.hpp"
#include "registry/settings.hpp"
#include "util/output.hpp"

namespace tailor::registry {

struct Catalog {
  std::vector<SearchCandidate> entries;  // local first, then the manifest's
  std::optional<Deprecation> deprecation;
  bool manifest_loaded = false;
};

// The local recipes of `local`, then the cached manifest. Without a cached manifest, and
// unless offline, the manifest is fetched once; when that fails `output` gets a warning and
// the catalog holds the local recipes only.
Result<Catalog> load_catalog(const recipe::Registry& local, const RegistrySettings& settings,
                             const util::Output& output);

}  // namespace tailor::registry
