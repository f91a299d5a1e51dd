#pragma once
// Whether planning a recipe needs the `vulkan` fact (docs/detection.md, "What is read, and from where";
// docs/planning.md, "The backend ladder"): only then may detection run the Tier 1 enumeration.
#include "recipe/recipe.hpp"

namespace tailor::recipe {

// True when a step's `when` clause offers the `vulkan` backend, i.e. the backend ladder can
// reach its vulkan rung, which is skipped when the fact is `absent`.
bool depends_on_vulkan(const Recipe& recipe);

}  // namespace tailor::recipe
