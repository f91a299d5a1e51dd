#pragma once
// The pieces of one recipe's plan: its version, its steps for a target, its direct
// dependencies. Shared by the root plan and every dependency plan.
#include <set>
#include <string>
#include <vector>

#include "plan/artifacts.hpp"
#include "plan/pins.hpp"
#include "plan/plan_model.hpp"
#include "plan/planner.hpp"
#include "recipe/recipe.hpp"
#include "recipe/when.hpp"

namespace tailor::plan {

struct PlanEnv {
  const PlanServices* services = nullptr;
  ArtifactResolver* artifacts = nullptr;
  const Pins* lock = nullptr;
  bool strict = false;
  bool require_version = false;     // PlanRequest::require_version
  bool lock_decides_rungs = false;  // PlanRequest::lock_decides_rungs
  std::vector<std::string>* warnings = nullptr;
  std::string libc_version{};  // Target::libc_version, for the steps' min_glibc
};

struct VersionPair {
  std::string version, version_tag;
  std::map<std::string, std::string> metadata;
};

// Whether a download URL of the recipe is built from its version: a GitHub or Homebrew
// composite, a Fossil tarball, or a `*url*` parameter or patch URL holding `{version`.
bool urls_need_version(const recipe::Recipe& recipe);

// Pinned when `pinned` is non-empty; "dev" for a recipe without a version source; else resolved
// by the provider. A version the provider says does not exist is an error (ErrorKind::version).
// When the provider cannot be asked (network, offline), that is an error (ErrorKind::network,
// naming the provider and the cause) under `env.require_version` and for a recipe whose URLs
// need the version; otherwise the requested version, or "dev", is used with a warning
// (docs/versions.md).
Result<VersionPair> resolve_version(const recipe::Recipe& recipe, const std::string& requested,
                                    const std::string& pinned, const PlanEnv& env);

// The plan steps of `recipe` for `target` (docs/plan-format.md, "How a plan is made"); nullopt when none matched.
Result<std::optional<std::vector<PlanStep>>> build_steps(const recipe::Recipe& recipe, const tuple::Target& target,
                                                         const VersionPair& version, const PlanEnv& env);

// "needs glibc 2.39, this machine has 2.36" for the highest min_glibc of the steps of `recipe` that
// apply to `target` when it is newer than `libc_version`; "" otherwise (platform::glibc_shortfall).
std::string glibc_shortfall_of(const recipe::Recipe& recipe, const tuple::Target& target,
                               const std::string& libc_version);

// Direct install-time dependency names for the target, sorted (docs/plan-format.md, "Dependencies").
std::vector<std::string> direct_dependencies(const recipe::Recipe& recipe, const tuple::Target& target);

// The dependency list of `recipe` with one processed set for the whole tree.
Result<std::vector<DependencyPlan>> build_dependencies(const recipe::Recipe& recipe, const tuple::Target& target,
                                                       std::set<std::string>& processed,
                                                       std::vector<std::string>& chain, const PlanEnv& env);

std::optional<PlanVerify> plan_verify(const recipe::Recipe& recipe);

// supports(os, arch) of docs/recipe-authoring.md, "Platforms".
bool supports(const recipe::Recipe& recipe, const std::string& os, const std::string& arch);
std::vector<std::string> effective_supported_os(const recipe::Recipe& recipe);
std::vector<std::string> effective_supported_arch(const recipe::Recipe& recipe);

}  // namespace tailor::plan
