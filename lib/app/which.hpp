#pragma once
// `tailor which COMMAND` (docs/user-guide.md, "Which tool provides a command"): the installed
// tool and version whose link in $TAILOR_HOME/bin runs COMMAND, and when none does, the recipes
// that would provide it: local recipe directories, the embedded recipes, the cached central
// registry recipes and the cached registry manifest. Never uses the network.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "install/layout.hpp"
#include "recipe/recipe.hpp"
#include "util/result.hpp"

namespace tailor::app {

struct InstalledProvider {
  std::string tool;
  std::string version;
  std::filesystem::path file;  // the binary inside the version directory
  bool active = false;         // bin/COMMAND points at it
};

struct RecipeProvider {
  std::string recipe;
  std::string source;  // "embedded", "dir <path>", "registry cache", "registry manifest"
  std::string match;   // "binary <path>" (a binary the recipe installs) or "name" (only the name matches)
};

struct WhichReport {
  std::string command;
  std::filesystem::path link;                // $TAILOR_HOME/bin/COMMAND, whether or not it exists
  std::string link_target;                   // what the link points at, "" when there is no link
  std::vector<InstalledProvider> installed;  // the active version first, then the others by tool, version
  std::vector<RecipeProvider> recipes;       // only when nothing installed provides COMMAND
  bool provided() const { return !installed.empty() && installed.front().active; }
};

struct WhichRequest {
  install::Layout layout;
  std::string command;
  std::string registry;  // --registry DIR, searched first
};

// The file names of the commands a recipe installs: metadata.binaries and the `binaries` or
// `outputs` of its steps (strings or {src, dest} tables), without directories; sorted, unique.
std::vector<std::string> recipe_commands(const recipe::Recipe& recipe);

// A COMMAND with a '/' or that is empty is ErrorKind::usage. A state.json that cannot be read
// is its error.
Result<WhichReport> which_command(const WhichRequest& request);

// {"command", "link", "link_target", "installed": [{tool, version, file, active}],
//  "recipes": [{recipe, source, match}]}
nlohmann::ordered_json which_to_json(const WhichReport& report);
// The lines `tailor which` prints.
std::string format_which(const WhichReport& report);

}  // namespace tailor::app
