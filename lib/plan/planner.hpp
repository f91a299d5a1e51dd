#pragma once
// Plan generation: a pure function of (facts, recipes, request, config) that yields the
// plan JSON of docs/plan-format.md (format 5), plus the backend ladder of
// docs/planning.md, "The backend ladder".
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fetch/downloader.hpp"
#include "plan/ecosystem_locker.hpp"
#include "plan/plan_model.hpp"
#include "recipe/registry.hpp"
#include "tuple/target.hpp"
#include "util/result.hpp"
#include "version/resolver.hpp"

namespace tailor::plan {

// The machine a plan is for: its platform tuple (backend "": the ladder picks one) and what the
// planner needs to know of the machine beyond it.
struct Target : tuple::Target {
  std::string vulkan{};        // usable, loader-only, absent
  std::string libc_version{};  // of this machine's glibc or musl, "" when unknown or foreign
  std::string gfx_note{};      // how HSA_OVERRIDE_GFX_VERSION changed `gfx`, "" when it did not
  // NVIDIA's Vulkan ICD (nvidia_icd.json) among the detected ICD manifests: nullopt when not
  // known (a foreign target, a facts file without them).
  std::optional<bool> nvidia_vulkan_icd{};
};

struct PlanRequest {
  std::string tool;                        // recipe name (ignored when `recipe` is set)
  const recipe::Recipe* recipe = nullptr;  // --recipe FILE
  std::string version;                     // requested version; "" or "latest" = newest
  Target target;
  std::string backend;             // "", "auto", or an explicit backend
  bool backend_from_flag = false;  // --backend (not llm.backend): warn when it cannot apply
  bool force = false;              // allow an explicit backend the GPU cannot run
  std::optional<Plan> pin_from;    // a plan used as a lock
  bool offline = false;            // anything not in the lock is an error
  bool strict = false;             // dependency warnings become errors
  bool require_version = false;    // install: an unresolved version is an error, not "dev"
  bool require_checksum = false;   // security.require_checksum: no checksum from a first download
  // The lock was planned for this target, so its backend answers for a release listing that
  // cannot be read (docs/planning.md, "The backend ladder"); false for a borrowed golden lock.
  bool lock_decides_rungs = true;
  bool for_golden = false;  // omit storage_version, generated_at, recipe_source
};

struct BackendRung {
  std::string backend;
  bool chosen = false;
  bool tried = true;  // false for rungs below the chosen one
  std::string reason;
  // "chosen", "rejected" or "not tried"
  const char* status() const { return chosen ? "chosen" : tried ? "rejected" : "not tried"; }
};

struct PlanOutcome {
  Plan value;
  std::vector<std::string> warnings;
  std::vector<std::string> notes;   // what the plan shows besides the steps (a backend preference honoured)
  std::vector<BackendRung> ladder;  // empty for non-backend recipes
  std::string backend;              // chosen backend, "" for non-backend recipes
};

struct PlanServices {
  const recipe::Registry* registry = nullptr;
  fetch::Downloader* downloader = nullptr;  // nullptr: no checksums (unit tests)
  version::Resolver* resolver = nullptr;    // nullptr: versions resolve to "dev" unless pinned
  // Captures ecosystem lock data (npm_install); nullptr: such composites need --pin-from.
  const EcosystemLocker* ecosystem_locker = nullptr;
};

Result<PlanOutcome> generate_plan(const PlanRequest& request, const PlanServices& services);

}  // namespace tailor::plan
