#pragma once
// The target of a plan (docs/planning.md, "Targets"): this machine's facts after overrides,
// or, for a foreign os/arch, only what the user said.
#include <map>
#include <string>

#include "plan/planner.hpp"
#include "platform/facts.hpp"
#include "recipe/registry.hpp"

namespace tailor::plan {

// `facts` are the resolved facts (overrides applied); `foreign` is true when --os/--arch name
// another platform than this machine's, in which case only overridden facts are used.
// A foreign Linux target needs --linux-family when the dependency tree has family-constrained
// steps and --gpu when it has gpu/backend/gpu_driver conditions (usage error otherwise).
Result<Target> resolve_target(const recipe::Recipe& recipe, const recipe::Registry& registry,
                              const platform::Facts& facts, bool foreign);

}  // namespace tailor::plan
