#include "plan/planner.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/chrono.h>

#include "plan/backend.hpp"
#include "plan/recipe_plan.hpp"
#include "plan/rung_release.hpp"
#include "recipe/when.hpp"
#include "util/strings.hpp"

namespace tailor::plan {
namespace {

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::floor<std::chrono::seconds>(now);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - seconds).count();
  std::string text = fmt::format("{:%Y-%m-%dT%H:%M:%S}", seconds);
  if (nanos != 0) {
    std::string fraction = fmt::format("{:09d}", nanos);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    text += "." + fraction;
  }
  return text + "Z";
}

constexpr const char* k_no_nvidia_icd =
    "NVIDIA's Vulkan driver is not installed: no nvidia_icd.json among the Vulkan ICD manifests "
    "(/usr/share/vulkan/icd.d, /etc/vulkan/icd.d); it comes with the NVIDIA driver's user-space libraries "
    "(Ubuntu: libnvidia-gl-<branch>, Debian: nvidia-vulkan-icd, Fedora: xorg-x11-drv-nvidia, Arch: nvidia-utils)";

// A vendor's own backend, the one a vendor-selected bundle carries for its GPU.
bool is_vendor_backend(const std::string& backend) {
  return backend == "cuda" || backend == "rocm" || backend == "metal";
}

bool has_family_system_action(const recipe::Recipe& recipe) {
  for (const auto& step : recipe.steps) {
    auto constraint = recipe::implicit_constraint(step.action);
    if (constraint && !constraint->family.empty()) return true;
  }
  return false;
}

bool steps_deterministic(const std::optional<std::vector<PlanStep>>& steps) {
  if (!steps) return true;
  for (const auto& step : *steps) {
    if (!step.deterministic) return false;
  }
  return true;
}

bool tree_deterministic(const std::vector<DependencyPlan>& deps) {
  for (const auto& dep : deps) {
    if (!steps_deterministic(dep.steps) || !tree_deterministic(dep.dependencies)) return false;
  }
  return true;
}

Result<const recipe::Recipe*> find_recipe(const PlanRequest& request, const PlanServices& services) {
  if (request.recipe != nullptr) return request.recipe;
  auto found = services.registry->find(request.tool);
  if (!found) return fail(found.error());
  if (*found == nullptr) {
    return fail(ErrorKind::recipe_not_found, "{}", services.registry->not_found_message(request.tool));
  }
  return *found;
}

// A dependency that cannot be planned after the ladder chose a rung (a CUDA runtime whose version
// needs NVIDIA's manifest, offline) says which choice needed it, so the decision is not lost.
Error with_backend_context(Error error, const std::string& tool, const PlanOutcome& outcome) {
  if (outcome.backend.empty()) return error;
  auto chosen = std::ranges::find_if(outcome.ladder, [](const BackendRung& rung) { return rung.chosen; });
  std::string why = chosen != outcome.ladder.end() && !chosen->reason.empty() ? " (" + chosen->reason + ")" : "";
  error.message = fmt::format("{} chose backend {}{}, but its dependencies cannot be planned: {}", tool,
                              outcome.backend, why, error.message);
  return error;
}

}  // namespace

Result<PlanOutcome> generate_plan(const PlanRequest& request, const PlanServices& services) {
  // A misspelt backend is an error for every recipe, not only for those with backends.
  if (auto ok = check_backend_name(request.backend); !ok) return fail(ok.error());
  auto found = find_recipe(request, services);
  if (!found) return fail(found.error());
  const recipe::Recipe& recipe = **found;
  const Target& target = request.target;
  if (!supports(recipe, target.os, target.arch)) {
    std::string reason = recipe.metadata.unsupported_reason.empty() ? "" : ": " + recipe.metadata.unsupported_reason;
    auto oses = effective_supported_os(recipe);
    auto arches = effective_supported_arch(recipe);
    return fail(ErrorKind::failure, "{} is not available for {}/{} (supported os: {}; arch: {}{}){}",
                recipe.metadata.name, target.os, target.arch, util::join(oses, ", "), util::join(arches, ", "),
                recipe.metadata.unsupported_platforms.empty()
                    ? ""
                    : "; unsupported: " + util::join(recipe.metadata.unsupported_platforms, ", "),
                reason);
  }

  PlanOutcome outcome;
  std::optional<Pins> lock;
  if (request.pin_from) lock = pins_from_plan(*request.pin_from);
  ArtifactResolver artifacts(lock ? &*lock : nullptr, services.downloader, request.offline);
  artifacts.require_known_checksums(request.require_checksum);
  PlanEnv env{&services,
              &artifacts,
              lock ? &*lock : nullptr,
              request.strict,
              request.require_version,
              request.lock_decides_rungs,
              &outcome.warnings,
              target.libc_version};

  // The tuple `when` clauses see; the backend ladder fills in its backend.
  tuple::Target match = static_cast<const tuple::Target&>(target);
  // Backend choice (docs/planning.md, "The backend ladder") and the effective GPU of vendor-selecting recipes.
  // The version is resolved once, when first needed: a rung whose steps match asks whether the
  // release publishes its build; earlier errors (a GPU that cannot run the backend) need no network.
  std::string pinned = request.pin_from && !request.version.empty() ? request.version : "";
  if (pinned.empty() && lock && lock->tool == recipe.metadata.name && request.version.empty()) pinned = lock->version;
  std::optional<VersionPair> resolved_version;
  auto version_once = [&]() -> Result<VersionPair> {
    if (!resolved_version) {
      auto resolved = resolve_version(recipe, request.version, pinned, env);
      if (!resolved) return fail(resolved.error());
      resolved_version = std::move(*resolved);
    }
    return *resolved_version;
  };
  if (is_backend_recipe(recipe)) {
    RungRelease release = [&](const tuple::Target& rung) -> Result<std::optional<std::string>> {
      // A rung whose build needs a newer glibc (its steps' min_glibc) is rejected before any lookup.
      if (std::string shortfall = glibc_shortfall_of(recipe, rung, target.libc_version); !shortfall.empty())
        return std::optional<std::string>(shortfall);
      // Vulkan on NVIDIA runs on NVIDIA's own ICD, which comes with its driver, not with Mesa.
      if (rung.backend == tuple::Backend::vulkan && rung.gpu == tuple::GpuVendor::nvidia &&
          target.nvidia_vulkan_icd == false)
        return std::optional<std::string>(k_no_nvidia_icd);
      auto version = version_once();
      if (!version) return fail(version.error());
      return rung_missing_from_release(recipe, rung, *version, env);
    };
    auto choice =
        choose_backend(recipe, match, target.vulkan, request.backend, request.force, release, target.gfx_note);
    if (!choice) return fail(choice.error());
    match.backend = tuple::parse_backend(choice->backend);
    outcome.backend = choice->backend;
    outcome.ladder = std::move(choice->ladder);
  } else if (has_gpu_field(recipe) && !request.backend.empty() && request.backend != "auto") {
    // Builds chosen by GPU vendor (ollama): a backend is a preference the bundle honours when it
    // can (docs/planning.md, "Recipes that choose by GPU vendor"); the plan keeps the real GPU.
    const std::string& wanted = request.backend;
    const bool honoured = wanted == "cpu" || (recipe::backend_runs_on(wanted, match.gpu) && is_vendor_backend(wanted));
    if (wanted == "cpu") {
      match.gpu = tuple::GpuVendor::none;  // the steps of a machine without a GPU: no GPU add-ons
      outcome.notes.push_back(fmt::format("backend cpu: {} is planned without its GPU add-ons (gpu {} unused)",
                                          recipe.metadata.name, tuple::name_or(target.gpu, "unknown")));
    } else if (!honoured) {
      std::string why = fmt::format("{} selects its builds by GPU vendor and has no {} build for gpu {}",
                                    recipe.metadata.name, wanted, tuple::name_or(target.gpu, "unknown"));
      if (request.backend_from_flag) {
        return fail(ErrorKind::failure, "{}; nothing was downloaded (use --gpu to plan for another machine)", why);
      }
      outcome.warnings.push_back(
          fmt::format("llm.backend {} does not apply: {}; planned for the GPU vendor", wanted, why));
    }
  } else if (request.backend_from_flag && !request.backend.empty() && request.backend != "auto") {
    outcome.warnings.push_back(fmt::format("{} has no builds per backend: --backend {} does not change its plan",
                                           recipe.metadata.name, request.backend));
  }

  auto resolved = version_once();
  if (!resolved) return fail(resolved.error());
  const VersionPair& version = *resolved;

  Plan plan;
  plan.storage_version = request.for_golden ? 0 : 1;
  plan.tool = recipe.metadata.name;
  plan.version = version.version;
  plan.platform.os = target.os;
  plan.platform.arch = target.arch;
  if (target.os == "linux" && has_family_system_action(recipe)) plan.platform.linux_family = target.linux_family;
  if (has_gpu_conditions(recipe)) plan.platform.gpu = target.gpu ? target.gpu : match.gpu;
  plan.platform.backend = tuple::parse_backend(outcome.backend);
  if (!request.for_golden) {
    plan.generated_at = now_rfc3339();
    plan.recipe_source = request.recipe != nullptr ? recipe.source_path : "registry";
  }

  std::set<std::string> processed{recipe.metadata.name};
  std::vector<std::string> chain;
  auto deps = build_dependencies(recipe, match, processed, chain, env);
  if (!deps) return fail(with_backend_context(deps.error(), recipe.metadata.name, outcome));
  plan.dependencies = std::move(*deps);
  auto steps = build_steps(recipe, match, version, env);
  if (!steps) return fail(steps.error());
  plan.steps = std::move(*steps);
  plan.deterministic = steps_deterministic(plan.steps) && tree_deterministic(plan.dependencies);
  plan.verify = plan_verify(recipe);
  plan.recipe_type = recipe.metadata.type;
  if (!recipe.is_library()) plan.binaries = recipe.metadata.binaries;

  outcome.value = std::move(plan);
  return outcome;
}

}  // namespace tailor::plan
