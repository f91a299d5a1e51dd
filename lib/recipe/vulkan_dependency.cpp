#include "recipe/vulkan_dependency.hpp"

#include <algorithm>

namespace tailor::recipe {

bool depends_on_vulkan(const Recipe& recipe) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(), [](const Step& step) {
    return step.when &&
           std::find(step.when->backend.begin(), step.when->backend.end(), "vulkan") != step.when->backend.end();
  });
}

}  // namespace tailor::recipe
