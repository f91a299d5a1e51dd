#pragma once
// Composite actions decomposed into primitives with the exact shapes of docs/actions.md, "Decompositions".
#include <string>
#include <vector>

#include "plan/artifacts.hpp"
#include "plan/ecosystem_locker.hpp"
#include "plan/pins.hpp"
#include "plan/plan_model.hpp"
#include "recipe/recipe.hpp"
#include "version/resolver.hpp"

namespace tailor::plan {

struct DecomposeContext {
  std::string tool;
  std::string version, version_tag, os, arch;
  ArtifactResolver* artifacts = nullptr;
  version::Resolver* resolver = nullptr;
  const Pins* lock = nullptr;   // for wildcard/homebrew reuse and ecosystem locks
  size_t first_step_index = 0;  // position of the first produced step in this tool's plan
  std::vector<std::string>* warnings = nullptr;
  const EcosystemLocker* locker = nullptr;  // PlanServices::ecosystem_locker
};

// Decomposes one composite step (raw params) into plan steps; `phase` is applied by the caller.
Result<std::vector<PlanStep>> decompose(const recipe::Step& step, const DecomposeContext& context);

}  // namespace tailor::plan
