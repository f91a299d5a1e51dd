#include "plan/backend.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "tuple/gpu_vendor.hpp"
#include "util/strings.hpp"
#include "util/suggest.hpp"

namespace tailor::plan {

bool is_backend_recipe(const recipe::Recipe& recipe) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(),
                     [](const auto& step) { return step.when && !step.when->backend.empty(); });
}

bool has_gpu_conditions(const recipe::Recipe& recipe) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(), [](const auto& step) {
    return step.when && (!step.when->gpu.empty() || !step.when->backend.empty() || !step.when->gpu_driver.empty() ||
                         !step.when->gpu_compute.empty() || !step.when->gfx.empty());
  });
}

bool has_gpu_field(const recipe::Recipe& recipe) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(),
                     [](const auto& step) { return step.when && !step.when->gpu.empty(); });
}

std::vector<tuple::Backend> vendor_ladder(std::optional<tuple::GpuVendor> gpu) {
  // The vendor's own stack first; Vulkan for the GPUs a PCI scan finds; the CPU always.
  std::vector<tuple::Backend> ladder;
  if (gpu) {
    const tuple::GpuVendorDef& vendor = tuple::gpu_vendor_def(*gpu);
    if (vendor.backend) ladder.push_back(*vendor.backend);
    if (vendor.pci) ladder.push_back(tuple::Backend::vulkan);
  }
  ladder.push_back(tuple::Backend::cpu);
  return ladder;
}

Status check_backend_name(const std::string& backend) {
  if (backend.empty() || backend == "auto") return {};
  if (tuple::parse_backend(backend)) return {};
  std::vector<std::string> names(tuple::k_backend_names.begin(), tuple::k_backend_names.end());
  names.insert(names.begin(), "auto");
  return fail(ErrorKind::usage, "unknown backend '{}'{}; --backend takes one of {}", backend,
              util::did_you_mean(backend, names), util::join(names, ", "));
}

namespace {

bool backend_steps_match(const recipe::Recipe& recipe, const tuple::Target& target) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(), [&](const auto& step) {
    return step.when && !step.when->backend.empty() && recipe::step_applies(step, target);
  });
}

bool pulls_vulkan_loader(const recipe::Recipe& recipe, const tuple::Target& target) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(), [&](const auto& step) {
    if (!step.when || !recipe::step_applies(step, target) || !step.dependencies) return false;
    return std::any_of(step.dependencies->begin(), step.dependencies->end(),
                       [](const std::string& dep) { return dep.substr(0, dep.find('@')) == "vulkan-loader"; });
  });
}

// The lowest lower bound (">=570", ">570") of a gpu_driver or gpu_compute range, "" when none.
std::string lowest_bound_of(const std::string& range) {
  std::string bound;
  for (const auto& token : util::split_whitespace(range)) {
    if (!token.starts_with(">")) continue;
    std::string value = token.substr(token.starts_with(">=") ? 2 : 1);
    if (bound.empty() || recipe::driver_in_range("<" + bound, value)) bound = value;
  }
  return bound;
}

// The step with its driver, compute and gfx conditions dropped.
recipe::Step relaxed_step(const recipe::Step& step) {
  recipe::Step copy = step;
  copy.when->gpu_driver.clear();
  copy.when->gpu_compute.clear();
  copy.when->gfx.clear();
  return copy;
}

// The one fact that keeps every step of `candidates` out, named for people, or "" when no
// single fact explains it: a driver older than every build needs, no known driver, a gfx target
// no build lists, a compute capability below every build's.
std::string blocking_fact(const std::vector<const recipe::Step*>& candidates, const tuple::Target& target) {
  const std::string display = backend_display_name(tuple::name(target.backend));
  auto all = [&](auto predicate) { return std::all_of(candidates.begin(), candidates.end(), predicate); };
  if (all([](const recipe::Step* step) { return !step->when->gpu_driver.empty(); })) {
    std::string lowest;
    for (const auto* step : candidates) {
      std::string bound = lowest_bound_of(step->when->gpu_driver);
      if (bound.empty()) {
        lowest.clear();
        break;
      }
      if (lowest.empty() || recipe::driver_in_range("<" + lowest, bound)) lowest = bound;
    }
    if (!lowest.empty() && target.gpu_driver.empty()) {
      return fmt::format("no {} driver version known (no kernel driver bound?); the {} builds need driver {} or newer",
                         tuple::name_or(target.gpu, "GPU"), display, lowest);
    }
    if (!lowest.empty() && !recipe::driver_in_range(">=" + lowest, target.gpu_driver))
      return fmt::format("driver {} is older than {}", target.gpu_driver, lowest);
  }
  if (!target.gfx.empty() && all([&](const recipe::Step* step) {
        return !step->when->gfx.empty() && !recipe::gfx_in_list(step->when->gfx, target.gfx);
      })) {
    std::set<std::string> listed;
    for (const auto* step : candidates) listed.insert(step->when->gfx.begin(), step->when->gfx.end());
    return fmt::format("{} {} not among the {} build's targets ({})", util::join(target.gfx, ", "),
                       target.gfx.size() == 1 ? "is" : "are", display,
                       util::join(std::vector<std::string>(listed.begin(), listed.end()), ", "));
  }
  if (!target.gpu_compute.empty() && all([&](const recipe::Step* step) {
        return !step->when->gpu_compute.empty() &&
               !recipe::compute_in_range(step->when->gpu_compute, target.gpu_compute);
      })) {
    std::set<std::string> ranges;
    for (const auto* step : candidates) ranges.insert(step->when->gpu_compute);
    return fmt::format("compute capability {} is outside what the {} builds for {}/{} support (gpu_compute {})",
                       target.gpu_compute, display, target.os, target.arch,
                       util::join(std::vector<std::string>(ranges.begin(), ranges.end()), " or "));
  }
  return "";
}

// Why no step serves `backend` on this target. `by_fact` (optional) is set when the recipe has
// builds for this platform that a fact of the machine (driver, compute capability, gfx) keeps out.
std::string rejection_reason(const recipe::Recipe& recipe, const tuple::Target& target, bool* by_fact = nullptr) {
  const std::string backend(tuple::name(target.backend));
  std::vector<const recipe::Step*> listed;
  for (const auto& step : recipe.steps) {
    if (step.when &&
        std::find(step.when->backend.begin(), step.when->backend.end(), backend) != step.when->backend.end()) {
      listed.push_back(&step);
    }
  }
  if (listed.empty()) return fmt::format("the recipe has no {} build", backend);
  // The steps that fit but for their driver, compute and gfx conditions.
  std::vector<const recipe::Step*> candidates;
  for (const auto* step : listed) {
    if (recipe::step_applies(relaxed_step(*step), target)) candidates.push_back(step);
  }
  const std::string where = target.os + "/" + target.arch;
  if (candidates.empty())
    return fmt::format("no {} build for {} (gpu {})", backend_display_name(backend), where,
                       tuple::name_or(target.gpu, "unknown"));
  if (by_fact != nullptr) *by_fact = true;
  if (std::string fact = blocking_fact(candidates, target); !fact.empty()) return fact;
  // What each step needs; without compute ranges the driver ranges are listed bare.
  std::set<std::string> needs_list;
  const bool compute_matters = std::any_of(candidates.begin(), candidates.end(),
                                           [](const recipe::Step* step) { return !step->when->gpu_compute.empty(); });
  for (const auto* step : candidates) {
    std::vector<std::string> needs;
    if (!step->when->gpu_driver.empty()) needs.push_back((compute_matters ? "driver " : "") + step->when->gpu_driver);
    if (!step->when->gpu_compute.empty()) needs.push_back("compute capability " + step->when->gpu_compute);
    if (!step->when->gfx.empty()) needs.push_back("gfx " + util::join(step->when->gfx, "/"));
    if (!needs.empty()) needs_list.insert(util::join(needs, ", "));
  }
  std::string have = "driver " + (target.gpu_driver.empty() ? std::string("none") : target.gpu_driver);
  if (compute_matters)
    have += " and compute capability " + (target.gpu_compute.empty() ? "unknown" : target.gpu_compute);
  return fmt::format("no step for {} with {} (needs {})", where, have,
                     util::join(std::vector<std::string>(needs_list.begin(), needs_list.end()), " or "));
}

// Whether the matching steps of target.backend have a gfx condition (so the targets mattered).
bool gfx_matters(const recipe::Recipe& recipe, const tuple::Target& target) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(), [&](const auto& step) {
    return step.when && !step.when->backend.empty() && !step.when->gfx.empty() && recipe::step_applies(step, target);
  });
}

// The gpu_compute ranges of the matching steps of target.backend when the capability is
// unknown (they match then: recipe/when.hpp); "" when none was assumed.
std::string assumed_compute(const recipe::Recipe& recipe, const tuple::Target& target) {
  if (!target.gpu_compute.empty()) return "";
  std::set<std::string> ranges;
  for (const auto& step : recipe.steps) {
    if (step.when && !step.when->backend.empty() && !step.when->gpu_compute.empty() &&
        recipe::step_applies(step, target))  // only lower bounds can hold (recipe::compute_in_range)
      ranges.insert(step.when->gpu_compute);
  }
  return util::join(std::vector<std::string>(ranges.begin(), ranges.end()), " and ");
}

// Which gpu_compute range a known capability took and which ranges alone kept other steps of
// target.backend out, so that the chosen rung says why this build (a Pascal card: CUDA 12.8,
// not 13; an H100: CUDA 13, not 12.8).
std::string ruled_out_by_compute(const recipe::Recipe& recipe, const tuple::Target& target) {
  if (target.gpu_compute.empty()) return "";
  std::set<std::string> taken, ruled_out;
  for (const auto& step : recipe.steps) {
    if (!step.when || step.when->backend.empty() || step.when->gpu_compute.empty()) continue;
    if (recipe::step_applies(step, target)) {
      taken.insert(step.when->gpu_compute);
      continue;
    }
    recipe::Step relaxed = step;
    relaxed.when->gpu_compute.clear();
    if (recipe::step_applies(relaxed, target)) ruled_out.insert(step.when->gpu_compute);
  }
  if (ruled_out.empty()) return "";
  auto joined = [](const std::set<std::string>& ranges) {
    return util::join(std::vector<std::string>(ranges.begin(), ranges.end()), " and ");
  };
  if (taken.empty()) {
    return fmt::format("compute capability {} rules out the {} build for gpu_compute {}", target.gpu_compute,
                       tuple::name(target.backend), joined(ruled_out));
  }
  return fmt::format("compute capability {} takes the {} build for gpu_compute {}, not the one for {}",
                     target.gpu_compute, tuple::name(target.backend), joined(taken), joined(ruled_out));
}

const char* k_needs[][2] = {{"cuda", "an NVIDIA GPU"},
                            {"rocm", "an AMD GPU"},
                            {"sycl", "an Intel GPU"},
                            {"metal", "an Apple GPU"},
                            {"vulkan", "a GPU"}};

}  // namespace

std::string backend_display_name(std::string_view backend) {
  static const std::map<std::string, std::string, std::less<>> k_names{
      {"cuda", "CUDA"}, {"rocm", "ROCm"}, {"sycl", "SYCL"}, {"vulkan", "Vulkan"}, {"metal", "Metal"}, {"cpu", "CPU"}};
  auto it = k_names.find(backend);
  return it == k_names.end() ? std::string(backend) : it->second;
}

Result<BackendChoice> choose_backend(const recipe::Recipe& recipe, tuple::Target target, const std::string& vulkan_fact,
                                     const std::string& requested, bool force, const RungRelease& release,
                                     const std::string& gfx_note) {
  if (auto ok = check_backend_name(requested); !ok) return fail(ok.error());
  BackendChoice choice;
  const bool explicit_backend = !requested.empty() && requested != "auto";
  if (explicit_backend && !force && !recipe::backend_runs_on(requested, target.gpu)) {
    std::string needs = "a GPU";
    for (const auto& entry : k_needs) {
      if (requested == entry[0]) needs = entry[1];
    }
    return fail(ErrorKind::failure,
                "backend '{}' needs {}, but this machine's GPU is '{}'; nothing was downloaded "
                "(use --gpu/--facts to plan for another machine, or --force)",
                requested, needs, tuple::name_or(target.gpu, "unknown"));
  }
  const std::vector<tuple::Backend> ladder =
      explicit_backend ? std::vector<tuple::Backend>{*tuple::parse_backend(requested)} : vendor_ladder(target.gpu);
  for (const tuple::Backend backend : ladder) {
    const std::string rung(tuple::name(backend));
    target.backend = backend;
    if (!choice.backend.empty()) {
      choice.ladder.push_back({rung, false, false, "a better rung was chosen"});
      continue;
    }
    if (rung == "vulkan" && !explicit_backend && vulkan_fact == "absent" && !pulls_vulkan_loader(recipe, target)) {
      choice.ladder.push_back(
          {rung, false, true, "Vulkan loader absent and the recipe does not install vulkan-loader"});
      continue;
    }
    if (backend_steps_match(recipe, target)) {
      if (release) {
        auto missing = release(target);
        if (!missing) return fail(missing.error());
        if (*missing && explicit_backend) {
          return fail(ErrorKind::install, "{} backend '{}' cannot be installed: {}; nothing was downloaded",
                      recipe.metadata.name, rung, **missing);
        }
        if (*missing) {
          choice.ladder.push_back({rung, false, true, **missing});
          continue;
        }
      }
      choice.backend = rung;
      std::string reason = explicit_backend ? "requested explicitly" : "best rung with a build for this machine";
      if (std::string assumed = assumed_compute(recipe, target); !assumed.empty()) {
        reason += fmt::format(
            " (compute capability unknown: taken as newer than any, so gpu_compute {} holds; "
            "--gpu-compute says)",
            assumed);
      }
      if (std::string ruled_out = ruled_out_by_compute(recipe, target); !ruled_out.empty())
        reason += " (" + ruled_out + ")";
      if (gfx_matters(recipe, target)) {
        if (target.gfx.empty())
          reason += fmt::format(" (gfx target unknown: taken as one of the {} build's targets; --gfx says)",
                                backend_display_name(rung));
        else
          reason += fmt::format(" ({} among the {} build's targets)",
                                gfx_note.empty() ? util::join(target.gfx, ", ") : gfx_note, backend_display_name(rung));
      }
      choice.ladder.push_back({rung, true, true, std::move(reason)});
      continue;
    }
    bool by_fact = false;
    std::string reason = rejection_reason(recipe, target, &by_fact);
    if (explicit_backend && by_fact) {
      // A fact of this machine blocks the build the recipe has: name it (docs/planning.md).
      return fail(ErrorKind::install, "{} backend '{}' cannot be used on this machine: {}; nothing was downloaded",
                  recipe.metadata.name, rung, reason);
    }
    choice.ladder.push_back({rung, false, true, std::move(reason)});
  }
  if (choice.backend.empty()) {
    // Only the backends this machine's GPU can run count as offered here (docs/planning.md).
    std::vector<std::string> offered;
    for (std::string_view backend : tuple::k_backend_names) {
      target.backend = tuple::parse_backend(backend);
      if (recipe::backend_runs_on(backend, target.gpu) && backend_steps_match(recipe, target))
        offered.emplace_back(backend);
    }
    // Each rung tried says why it was passed over, so the message names the real cause.
    std::vector<std::string> reasons;
    for (const auto& rung : choice.ladder) {
      if (!rung.reason.empty()) reasons.push_back(rung.backend + ": " + rung.reason);
    }
    return fail(ErrorKind::failure, "{} has no {} build for {}/{}{}{}; it offers here: {}", recipe.metadata.name,
                explicit_backend ? requested : "usable", target.os, target.arch,
                explicit_backend ? " (explicit backends never fall back)" : "",
                reasons.empty() ? "" : " (" + util::join(reasons, "; ") + ")",
                offered.empty() ? "nothing" : util::join(offered, ", "));
  }
  return choice;
}

}  // namespace tailor::plan
