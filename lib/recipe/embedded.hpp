#pragma once
// Recipes compiled into the binary at build time (cmake/EmbedRecipes.cmake).
#include <span>
#include <string_view>

namespace tailor::recipe {

struct EmbeddedRecipe {
  std::string_view name;  // recipe name, e.g. "llama.cpp"
  std::string_view path;  // path in the source tree, e.g. "recipes/l/llama.cpp.toml"
  std::string_view text;  // the TOML text
};

// Returns every embedded recipe, sorted by path.
std::span<const EmbeddedRecipe> embedded_recipes();

}  // namespace tailor::recipe
