#pragma once
// The whole recipe lookup of a command (docs/registries.md, "Lookup order"): --registry DIR
// or TAILOR_RECIPES, $TAILOR_HOME/recipes, the embedded recipes, then the central registry;
// `owner/repo[:recipe]` names go to that repository's distributed registry (distributed.hpp).
#include <string>

#include "recipe/registry.hpp"
#include "util/output.hpp"

namespace tailor::registry {

// Registry options with the central registry as the remote source. `offline` (--offline)
// keeps it to its cache; `output` receives its warnings and may be null.
recipe::RegistryOptions lookup_options(const std::string& registry_flag, bool offline = false,
                                       const util::Output* output = nullptr);

}  // namespace tailor::registry
