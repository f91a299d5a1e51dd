// The fuzz build links only the recipe engine, without the generated registry.
#include "recipe/embedded.hpp"

namespace tailor::recipe {

std::span<const EmbeddedRecipe> embedded_recipes() { return {}; }

}  // namespace tailor::recipe
