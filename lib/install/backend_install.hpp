#pragma once
// Install-time half of the backend ladder (docs/planning.md, "At install time: smoke check, fallback, receipt"): after
// a backend recipe's build is installed and verified, run its [verify.backend] smoke check; under `auto` a failing
// check removes that variant and installs the next rung of the ladder; otherwise the install fails and nothing of the
// variant stays. Every backend install writes tools/<name>-<version>/.tailor/receipt.json. Over an installed build of
// the same version with another backend, the install is a switch: the new build is checked beside the old one, which
// stays installed and in use until then.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "install/executor.hpp"
#include "install/layout.hpp"
#include "plan/planner.hpp"
#include "recipe/recipe.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

// The device-name prefix a backend prints ("CUDA", "Vulkan", ... "CPU").
std::string backend_device(const std::string& backend);

struct SmokeInput {
  recipe::BackendCheck check;
  std::string backend, tool, version;
  std::filesystem::path install_dir;
  std::vector<std::string> path_dirs;  // prepended to PATH, in order
};

// Runs the smoke check with its timeout; ErrorKind::install naming what failed.
Status run_backend_check(const SmokeInput& input);

// What the install command provides: planning for one backend, installing and removing.
struct BackendInstallSteps {
  std::function<Result<plan::PlanOutcome>(const std::string& backend)> plan;  // "" = as requested
  // With `switch_check` set the root replaces its installed version (InstallOptions::switch_check);
  // `cannot_run` (may be null) receives why the build was refused as unable to run here
  // (InstallOptions::cannot_run).
  std::function<Result<InstallOutcome>(const plan::Plan& plan, const InstallOptions::SwitchCheck& switch_check,
                                       std::string* cannot_run)>
      install;
  std::function<Status(const std::string& tool, const std::string& version)> remove;
};

struct BackendInstallRequest {
  std::optional<recipe::BackendCheck> check;  // the recipe's [verify.backend]
  std::string requested;                      // "", "auto" or an explicit backend
  bool strict_gpu = false;                    // a failing check fails even under auto
  plan::Target target;                        // the facts the plan was made for
};

struct BackendInstallResult {
  InstallOutcome outcome;
  nlohmann::ordered_json receipt;  // null when the recipe is not a backend recipe
};

// Plans, installs and smoke-checks, walking down the ladder under auto. Each move is printed.
Result<BackendInstallResult> install_with_backend(const Layout& layout, const BackendInstallRequest& request,
                                                  const BackendInstallSteps& steps, const util::Output& output);

// The backend state.json records for an installed tool version ("" when the version is not
// installed or was installed without one).
std::string installed_backend(const Layout& layout, const std::string& tool, const std::string& version);

// The receipt object (keys as written to receipt.json).
nlohmann::ordered_json make_receipt(const std::string& requested, const std::string& chosen,
                                    const std::vector<plan::BackendRung>& rejected, const plan::Target& target,
                                    const plan::Plan& plan);

}  // namespace tailor::install
