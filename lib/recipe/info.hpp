#pragma once
// What `tailor info TOOL` says about a recipe: its platforms and which of its steps and
// backends apply to a given machine.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recipe/recipe.hpp"
#include "recipe/when.hpp"

namespace tailor::recipe {

struct StepApplicability {
  size_t number = 0;  // 1-based
  std::string action;
  std::vector<std::string> backends;  // the step's backend condition, empty when none
  bool applies = false;               // for a backend step: applies with at least one of its backends
};

struct RecipeInfo {
  std::string name, description, homepage, type;
  std::vector<std::string> platforms;  // supported tuple list (docs/recipe-authoring.md, "Platforms")
  std::vector<std::string> libc;       // supported_libc, empty = any
  std::string unsupported_reason;
  bool supported_here = false;  // supports(os, arch) for the target
  std::vector<StepApplicability> steps;
  bool backend_recipe = false;
  std::vector<std::string> backends_here;  // backends with a matching step this machine's GPU can run, cuda..cpu
  // Backends with a step for this platform that this machine cannot run (another GPU vendor, or
  // a driver, compute capability or gfx target its conditions rule out), cuda..cpu.
  std::vector<std::string> backends_elsewhere;
};

// Describes `recipe` for `target` (target.backend is ignored: every backend is tried).
RecipeInfo describe_recipe(const Recipe& recipe, const tuple::Target& target);

// Supported tuples (docs/recipe-authoring.md, "Platforms"): "os/arch" in declared order, minus two-part deny entries.
std::vector<std::string> supported_platforms(const Metadata& metadata);

nlohmann::ordered_json recipe_info_to_json(const RecipeInfo& info);
std::string format_recipe_info(const RecipeInfo& info, const tuple::Target& target);

}  // namespace tailor::recipe
