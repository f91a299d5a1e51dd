#include "install/recipe_provenance.hpp"

#include "install/state.hpp"

namespace tailor::install {

std::optional<recipe::Provenance> installed_recipe_provenance(const Layout& layout, const std::string& tool) {
  auto state = read_state(layout);
  if (!state) return std::nullopt;
  auto it = state->installed.find(tool);
  if (it == state->installed.end() || it->second.recipe_source.empty()) return std::nullopt;
  return recipe::Provenance{it->second.recipe_source, it->second.recipe_url, it->second.recipe_hash};
}

}  // namespace tailor::install
