#pragma once
// Matching `when` clauses and the implicit constraints of system actions (docs/conditions.md).
#include <optional>
#include <string>
#include <vector>

#include "recipe/recipe.hpp"
#include "tuple/target.hpp"

namespace tailor::recipe {

// docs/recipe-authoring.md, "Conditions: `when`", plus tailor's extensions: `backend` (target
// backend in the list), `gpu_driver` (range over the target's driver; an empty driver matches no
// range), `gpu_compute` (compute_in_range) and `gfx` (gfx_in_list).
// A step with a `backend` condition never matches a target whose backend is "".
bool when_matches(const WhenClause& when, const tuple::Target& target);

// A system action's implicit os and family (docs/conditions.md, "Implicit constraints of system actions").
struct ImplicitConstraint {
  std::string os;
  std::string family;
};
std::optional<ImplicitConstraint> implicit_constraint(std::string_view action);

// The plan step filter: implicit constraint first, then `when`.
bool step_applies(const Step& step, const tuple::Target& target);

// The merged constraint of docs/conditions.md, "Step analysis", or an error message for a conflict.
struct StepConstraint {
  std::string os, arch, family, libc, gpu;
  bool family_varying = false;
  bool empty() const { return os.empty() && arch.empty() && family.empty() && libc.empty() && gpu.empty(); }
};
Result<StepConstraint> analyze_step(const Step& step);

// Whether `version` satisfies a gpu_driver range such as ">=570 <580".
bool driver_in_range(std::string_view range, std::string_view version);
// Whether a gpu_driver range parses; an error message otherwise.
Status check_driver_range(std::string_view range);
// Whether compute capability `compute` satisfies a gpu_compute range. An unknown capability ("")
// counts as newer than any: it satisfies lower bounds only, because the table covers every
// architecture that current drivers support, so a device missing from it is a newer one
// (docs/recipe-authoring.md, "gpu_compute").
bool compute_in_range(std::string_view range, std::string_view compute);
// Whether a gpu_compute range such as ">=7.5" parses: comparators over major.minor numbers.
Status check_compute_range(std::string_view range);
// Whether a `gfx` list holds: any of the target's gfx targets is listed. Unknown targets
// (none detected or given) are taken as listed, like an unknown compute capability: the plan
// says so (docs/recipe-authoring.md, "gfx").
bool gfx_in_list(const std::vector<std::string>& list, const std::vector<std::string>& targets);

// Whether GPU vendor `gpu` (nullopt: not known) can run builds of `backend`: cuda on NVIDIA,
// rocm on AMD, sycl on Intel, metal on Apple, vulkan on any GPU, cpu anywhere.
bool backend_runs_on(std::string_view backend, std::optional<tuple::GpuVendor> gpu);

}  // namespace tailor::recipe
