#pragma once
// Choosing the backend of a backend recipe (gpu-variants.md §3) and the effective GPU of
// recipes that select builds by vendor.
#include <string>
#include <vector>

#include "plan/planner.hpp"
#include "recipe/recipe.hpp"
#include "recipe/when.hpp"

namespace tailor::plan {

inline constexpr const char* k_backends[] = {"cuda", "rocm", "sycl", "vulkan", "metal", "cpu"};

// A recipe with at least one `backend` condition.
bool is_backend_recipe(const recipe::Recipe& recipe);
// A recipe with a `gpu`, `backend` or `gpu_driver` condition anywhere (platform.gpu is recorded).
bool has_gpu_conditions(const recipe::Recipe& recipe);
// A recipe with a tsuku `gpu` condition.
bool has_gpu_field(const recipe::Recipe& recipe);

// The vendor ladder, best first.
std::vector<std::string> vendor_ladder(const std::string& gpu);

struct BackendChoice {
  std::string backend;
  std::vector<BackendRung> ladder;
};

// Walks the ladder for `requested` ("" or "auto" = the vendor ladder) against `target`.
Result<BackendChoice> choose_backend(const recipe::Recipe& recipe, recipe::MatchTarget target,
                                     const std::string& vulkan_fact, const std::string& requested, bool force);

// Validates an explicit backend name; usage error listing the values otherwise.
Status check_backend_name(const std::string& backend);

}  // namespace tailor::plan
