#pragma once
// Finding recipes by name: --registry DIR / TAILOR_RECIPES, then $TAILOR_HOME/recipes, then
// the recipes embedded in the binary, then a single recipe claiming the name in `satisfies`;
// finally a remote source (the central registry, lib/registry/) when one is configured.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recipe/recipe.hpp"

namespace tailor::recipe {

// A recipe handed over by a remote source, already validated by it.
struct RemoteRecipe {
  std::string text;
  std::string origin;  // the URL or file it came from; names it in diagnostics
  std::string source;  // how `tailor info` names the source: "central <base>"
  std::string sha256;  // of `text`
};

// Where a recipe came from, for `tailor info` and the install state.
struct Provenance {
  std::string source;  // "embedded", "dir <path>", "central <base>"
  std::string url;     // the file or URL read; "" for embedded recipes
  std::string sha256;  // of the recipe text
};

// What a remote source says about a name: the recipe, or none and why (for the message).
struct RemoteAnswer {
  std::optional<RemoteRecipe> recipe;
  std::string note;  // when there is no recipe: e.g. "the central registry ... could not be reached"
};

// A source consulted after every local one (lib/registry/central.hpp implements it).
class RemoteSource {
 public:
  virtual ~RemoteSource() = default;
  // The recipe `name`, or none with a note. Errors: a copy too old to use while the source
  // is unreachable, refused (oversized) or invalid recipes.
  virtual Result<RemoteAnswer> fetch(std::string_view name) const = 0;
  // Names the source knows without asking the network (for "did you mean" hints).
  virtual std::vector<std::string> known_names() const = 0;
};

struct RegistryOptions {
  std::vector<std::filesystem::path> directories;  // searched in order, before embedded
  bool use_embedded = true;
  std::shared_ptr<const RemoteSource> remote = nullptr;  // asked last; null = local sources only
  // Recipe files known by their file name (`tailor validate PATH...`), found before anything else.
  std::vector<std::filesystem::path> files = {};
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

  // The recipe of that name, parsed and checked for planning (docs/validation.md, "Checks when a recipe is loaded for
  // planning") and cached; nullptr when no recipe has that name or claims it; an error when it does not load.
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
  // Where the recipe `name` comes from: its file path, "embedded", or the remote source's
  // label once find() fetched it; "" when unknown.
  std::string source_of(std::string_view name) const;
  // Source, URL and SHA-256 of the recipe `name` as find() loaded it; nullopt before that.
  std::optional<Provenance> provenance(std::string_view name) const;
  // names() plus the names the remote source knows offline, sorted (for "did you mean").
  std::vector<std::string> hint_names() const;
  // "no recipe named 'x'" with the closest known name and what the remote source said.
  std::string not_found_message(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tailor::recipe
