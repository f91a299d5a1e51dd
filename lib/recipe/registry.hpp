#pragma once
// Finding recipes by name: --registry DIR / TAILOR_RECIPES, then $TAILOR_HOME/recipes, then
// the recipes embedded in the binary; finally a single recipe claiming the name in `satisfies`.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recipe/recipe.hpp"

namespace tailor::recipe {

struct RegistryOptions {
  std::vector<std::filesystem::path> directories;  // searched in order, before embedded
  bool use_embedded = true;
};

// Registry options from the usual sources: `registry_flag` (may be empty), TAILOR_RECIPES,
// $TAILOR_HOME/recipes.
RegistryOptions default_registry_options(const std::string& registry_flag);

class Registry {
 public:
  explicit Registry(RegistryOptions options);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The recipe of that name, parsed and checked for planning (§1.8) and cached;
  // nullptr when no recipe has that name or claims it; an error when it does not load.
  Result<const Recipe*> find(std::string_view name) const;
  // Loads a recipe from an explicit file (--recipe FILE).
  Result<const Recipe*> load_file(const std::filesystem::path& path) const;
  // Every recipe name known, sorted.
  std::vector<std::string> names() const;
  // Whether `name` is an embedded recipe (golden category).
  bool is_embedded(std::string_view name) const;
  // Whether a recipe file (or embedded recipe) of exactly that name exists; no alias lookup.
  bool contains(std::string_view name) const;
  // Names of the recipes whose `metadata.satisfies` lists `alias` (any ecosystem), sorted.
  std::vector<std::string> alias_claimants(std::string_view alias) const;
  // Where the recipe `name` comes from: its file path, or "embedded"; "" when unknown.
  std::string source_of(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tailor::recipe
