#pragma once
// Choosing the backend of a backend recipe (docs/planning.md, "The backend ladder") and the effective GPU of
// recipes that select builds by vendor.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/planner.hpp"
#include "recipe/recipe.hpp"
#include "recipe/when.hpp"

namespace tailor::plan {

// A recipe with at least one `backend` condition.
bool is_backend_recipe(const recipe::Recipe& recipe);
// A recipe with a `gpu`, `backend` or `gpu_driver` condition anywhere (platform.gpu is recorded).
bool has_gpu_conditions(const recipe::Recipe& recipe);
// A recipe with a tsuku `gpu` condition.
bool has_gpu_field(const recipe::Recipe& recipe);

// The vendor ladder, best first.
std::vector<tuple::Backend> vendor_ladder(std::optional<tuple::GpuVendor> gpu);

struct BackendChoice {
  std::string backend;
  std::vector<BackendRung> ladder;
};

// Whether the build of a rung whose steps match `target` (target.backend set) can be had: the
// release publishes it and this machine's glibc is new enough for its steps' min_glibc.
// nullopt when it can (or cannot be told), else why not. Errors stop the ladder.
using RungRelease = std::function<Result<std::optional<std::string>>(const tuple::Target& target)>;

// Walks the ladder for `requested` ("" or "auto" = the vendor ladder) against `target`. With
// `release`, a rung whose build the release does not publish is rejected with its reason under
// auto; an explicit backend then fails (ErrorKind::install) before any download, as it does when a
// fact of this machine (driver, compute capability, gfx target) keeps its builds out. `gfx_note`
// says how HSA_OVERRIDE_GFX_VERSION changed target.gfx (platform::GfxTargets::note).
Result<BackendChoice> choose_backend(const recipe::Recipe& recipe, tuple::Target target, const std::string& vulkan_fact,
                                     const std::string& requested, bool force, const RungRelease& release = {},
                                     const std::string& gfx_note = "");

// How messages name a backend's builds: "CUDA", "ROCm", "SYCL", "Vulkan", "Metal", "CPU".
std::string backend_display_name(std::string_view backend);

// Validates an explicit backend name; usage error listing the values otherwise.
Status check_backend_name(const std::string& backend);

}  // namespace tailor::plan
