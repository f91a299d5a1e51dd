#include "plan/backend.hpp"

#include <algorithm>
#include <map>
#include <set>

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
                         !step.when->gpu_compute.empty());
  });
}

bool has_gpu_field(const recipe::Recipe& recipe) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(),
                     [](const auto& step) { return step.when && !step.when->gpu.empty(); });
}

std::vector<std::string> vendor_ladder(const std::string& gpu) {
  if (gpu == "nvidia") return {"cuda", "vulkan", "cpu"};
  if (gpu == "amd") return {"rocm", "vulkan", "cpu"};
  if (gpu == "intel") return {"sycl", "vulkan", "cpu"};
  if (gpu == "apple") return {"metal", "cpu"};
  return {"cpu"};
}

Status check_backend_name(const std::string& backend) {
  if (backend.empty() || backend == "auto") return {};
  for (const char* known : k_backends) {
    if (backend == known) return {};
  }
  std::vector<std::string> names(std::begin(k_backends), std::end(k_backends));
  names.insert(names.begin(), "auto");
  return fail(ErrorKind::usage, "unknown backend '{}'{}; --backend takes one of {}", backend,
              util::did_you_mean(backend, names), util::join(names, ", "));
}

namespace {

bool backend_steps_match(const recipe::Recipe& recipe, const recipe::MatchTarget& target) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(), [&](const auto& step) {
    return step.when && !step.when->backend.empty() && recipe::step_applies(step, target);
  });
}

bool pulls_vulkan_loader(const recipe::Recipe& recipe, const recipe::MatchTarget& target) {
  return std::any_of(recipe.steps.begin(), recipe.steps.end(), [&](const auto& step) {
    if (!step.when || !recipe::step_applies(step, target) || !step.dependencies) return false;
    return std::any_of(step.dependencies->begin(), step.dependencies->end(),
                       [](const std::string& dep) { return dep.substr(0, dep.find('@')) == "vulkan-loader"; });
  });
}

// Why no step serves `backend` on this target.
std::string rejection_reason(const recipe::Recipe& recipe, const recipe::MatchTarget& target) {
  const std::string backend = target.backend;
  std::vector<const recipe::Step*> candidates;
  for (const auto& step : recipe.steps) {
    if (step.when &&
        std::find(step.when->backend.begin(), step.when->backend.end(), backend) != step.when->backend.end()) {
      candidates.push_back(&step);
    }
  }
  if (candidates.empty()) return fmt::format("the recipe has no {} build", backend);
  // What each step that fits but for its driver and compute ranges would need.
  // Without compute ranges the driver ranges are listed bare, as before they existed.
  std::set<std::string> ranges;
  const bool compute_matters = std::any_of(candidates.begin(), candidates.end(),
                                           [](const recipe::Step* step) { return !step->when->gpu_compute.empty(); });
  for (const auto* step : candidates) {
    recipe::WhenClause relaxed = *step->when;
    std::vector<std::string> needs;
    if (!relaxed.gpu_driver.empty()) needs.push_back((compute_matters ? "driver " : "") + relaxed.gpu_driver);
    if (!relaxed.gpu_compute.empty()) needs.push_back("compute capability " + relaxed.gpu_compute);
    relaxed.gpu_driver.clear();
    relaxed.gpu_compute.clear();
    recipe::Step copy = *step;
    copy.when = relaxed;
    if (recipe::step_applies(copy, target) && !needs.empty()) ranges.insert(util::join(needs, ", "));
  }
  const std::string where = target.os + "/" + target.arch;
  if (ranges.empty()) return fmt::format("no step for {} (gpu {})", where, target.gpu.empty() ? "unknown" : target.gpu);
  std::vector<std::string> list(ranges.begin(), ranges.end());
  std::string have = "driver " + (target.gpu_driver.empty() ? std::string("none") : target.gpu_driver);
  if (compute_matters)
    have += " and compute capability " + (target.gpu_compute.empty() ? "unknown" : target.gpu_compute);
  return fmt::format("no step for {} with {} (needs {})", where, have, util::join(list, " or "));
}

// The gpu_compute ranges of the matching steps of target.backend when the capability is
// unknown (they match then: recipe/when.hpp); "" when none was assumed.
std::string assumed_compute(const recipe::Recipe& recipe, const recipe::MatchTarget& target) {
  if (!target.gpu_compute.empty()) return "";
  std::set<std::string> ranges;
  for (const auto& step : recipe.steps) {
    if (step.when && !step.when->backend.empty() && !step.when->gpu_compute.empty() &&
        recipe::step_applies(step, target))  // only lower bounds can hold (recipe::compute_in_range)
      ranges.insert(step.when->gpu_compute);
  }
  return util::join(std::vector<std::string>(ranges.begin(), ranges.end()), " and ");
}

// The gpu_compute ranges that alone keep other steps of target.backend out, so that the chosen
// rung says why a known capability got this build (a Pascal card: CUDA 12.8, not 13).
std::string ruled_out_by_compute(const recipe::Recipe& recipe, const recipe::MatchTarget& target) {
  if (target.gpu_compute.empty()) return "";
  std::set<std::string> ranges;
  for (const auto& step : recipe.steps) {
    if (!step.when || step.when->backend.empty() || step.when->gpu_compute.empty() ||
        recipe::step_applies(step, target))
      continue;
    recipe::Step relaxed = step;
    relaxed.when->gpu_compute.clear();
    if (recipe::step_applies(relaxed, target)) ranges.insert(step.when->gpu_compute);
  }
  if (ranges.empty()) return "";
  return fmt::format("compute capability {} rules out the {} build for gpu_compute {}", target.gpu_compute,
                     target.backend, util::join(std::vector<std::string>(ranges.begin(), ranges.end()), " and "));
}

bool gpu_can_run(const std::string& backend, const std::string& gpu) {
  if (backend == "cuda") return gpu == "nvidia";
  if (backend == "rocm") return gpu == "amd";
  if (backend == "sycl") return gpu == "intel";
  if (backend == "metal") return gpu == "apple";
  if (backend == "vulkan") return !gpu.empty() && gpu != "none";
  return true;
}

const char* k_needs[][2] = {{"cuda", "an NVIDIA GPU"},
                            {"rocm", "an AMD GPU"},
                            {"sycl", "an Intel GPU"},
                            {"metal", "an Apple GPU"},
                            {"vulkan", "a GPU"}};

}  // namespace

std::string backend_display_name(const std::string& backend) {
  static const std::map<std::string, std::string> k_names{{"cuda", "CUDA"},     {"rocm", "ROCm"},   {"sycl", "SYCL"},
                                                          {"vulkan", "Vulkan"}, {"metal", "Metal"}, {"cpu", "CPU"}};
  auto it = k_names.find(backend);
  return it == k_names.end() ? backend : it->second;
}

Result<BackendChoice> choose_backend(const recipe::Recipe& recipe, recipe::MatchTarget target,
                                     const std::string& vulkan_fact, const std::string& requested, bool force,
                                     const RungRelease& release) {
  if (auto ok = check_backend_name(requested); !ok) return fail(ok.error());
  BackendChoice choice;
  const bool explicit_backend = !requested.empty() && requested != "auto";
  if (explicit_backend && !force && !gpu_can_run(requested, target.gpu)) {
    std::string needs = "a GPU";
    for (const auto& entry : k_needs) {
      if (requested == entry[0]) needs = entry[1];
    }
    return fail(ErrorKind::failure,
                "backend '{}' needs {}, but this machine's GPU is '{}'; nothing was downloaded "
                "(use --gpu/--facts to plan for another machine, or --force)",
                requested, needs, target.gpu.empty() ? "unknown" : target.gpu);
  }
  const std::vector<std::string> ladder =
      explicit_backend ? std::vector<std::string>{requested} : vendor_ladder(target.gpu);
  for (const auto& rung : ladder) {
    target.backend = rung;
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
      choice.ladder.push_back({rung, true, true, std::move(reason)});
      continue;
    }
    choice.ladder.push_back({rung, false, true, rejection_reason(recipe, target)});
  }
  if (choice.backend.empty()) {
    std::vector<std::string> offered;
    for (const char* backend : k_backends) {
      target.backend = backend;
      if (backend_steps_match(recipe, target)) offered.emplace_back(backend);
    }
    return fail(ErrorKind::failure, "{} has no {} build for {}/{}{}; it offers here: {}", recipe.metadata.name,
                explicit_backend ? requested : "usable", target.os, target.arch,
                explicit_backend ? " (explicit backends never fall back)" : "",
                offered.empty() ? "nothing" : util::join(offered, ", "));
  }
  return choice;
}

}  // namespace tailor::plan
