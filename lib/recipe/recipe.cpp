#include "recipe/recipe.hpp"

#include "recipe/actions.hpp"
#include "recipe/decode.hpp"
#include "recipe/when.hpp"

namespace tailor::recipe {

bool WhenClause::empty() const {
  return platform.empty() && os.empty() && arch.empty() && linux_family.empty() && libc.empty() && gpu.empty() &&
         package_manager.empty() && backend.empty() && gpu_driver.empty() && gpu_compute.empty() && gfx.empty();
}

Result<Recipe> parse_recipe(std::string_view text, std::string_view path) {
  if (text.size() > detail::k_max_recipe_bytes) {
    return fail(ErrorKind::invalid_input, "{}: recipe is larger than {} bytes", path, detail::k_max_recipe_bytes);
  }
  auto root = detail::parse_toml(text, path);
  if (!root) return fail(root.error().kind, "{}", detail::format_located(path, root.error().pos, root.error().detail));
  auto recipe = detail::decode_recipe(*root);
  if (!recipe) {
    return fail(ErrorKind::failure, "{}", detail::format_located(path, recipe.error().pos, recipe.error().detail));
  }
  recipe->source_path = std::string(path);
  return std::move(*recipe);
}

Result<Recipe> load_recipe_for_planning(std::string_view text, std::string_view path) {
  auto recipe = parse_recipe(text, path);
  if (!recipe) return fail(recipe.error().kind, "failed to parse TOML: {}", recipe.error().message);
  if (recipe->metadata.name.empty())
    return fail(ErrorKind::failure, "recipe validation failed: metadata.name is required");
  if (recipe->steps.empty()) return fail(ErrorKind::failure, "recipe validation failed: at least one step is required");
  for (size_t i = 0; i < recipe->steps.size(); ++i) {
    if (recipe->steps[i].action.empty())
      return fail(ErrorKind::failure, "recipe validation failed: step {}: action is required", i + 1);
  }
  if (!recipe->is_library() && recipe->verify.command.empty())
    return fail(ErrorKind::failure, "recipe validation failed: verify.command is required");
  for (size_t i = 0; i < recipe->steps.size(); ++i) {
    const Step& step = recipe->steps[i];
    if (find_action(step.action) == nullptr) {
      return fail(ErrorKind::failure, "step analysis failed: step {} ({}): unknown action \"{}\"", i + 1, step.action,
                  step.action);
    }
    auto analysis = analyze_step(step);
    if (!analysis) {
      return fail(ErrorKind::failure, "step analysis failed: step {} ({}): {}", i + 1, step.action,
                  analysis.error().message);
    }
  }
  return recipe;
}

}  // namespace tailor::recipe
