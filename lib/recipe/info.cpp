#include "recipe/info.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace tailor::recipe {
namespace {

std::string joined_or(const std::vector<std::string>& list, std::string_view fallback) {
  return list.empty() ? std::string(fallback) : util::join(list, ", ");
}

}  // namespace

std::vector<std::string> supported_platforms(const Metadata& m) {
  const auto oses = m.supported_os ? *m.supported_os : std::vector<std::string>{"linux", "darwin"};
  const auto arches = m.supported_arch ? *m.supported_arch : std::vector<std::string>{"amd64", "arm64"};
  std::vector<std::string> out;
  for (const auto& os : oses) {
    for (const auto& arch : arches) {
      std::string tuple = fmt::format("{}/{}", os, arch);
      if (std::find(m.unsupported_platforms.begin(), m.unsupported_platforms.end(), tuple) ==
          m.unsupported_platforms.end())
        out.push_back(tuple);
    }
  }
  return out;
}

RecipeInfo describe_recipe(const Recipe& recipe, const tuple::Target& target) {
  RecipeInfo info;
  const Metadata& m = recipe.metadata;
  info.name = m.name;
  info.description = m.description;
  info.homepage = m.homepage;
  info.type = m.type.empty() ? "tool" : m.type;
  info.platforms = supported_platforms(m);
  info.libc = m.supported_libc;
  info.unsupported_reason = m.unsupported_reason;
  const std::string here = target.os + "/" + target.arch;
  info.supported_here = std::find(info.platforms.begin(), info.platforms.end(), here) != info.platforms.end();
  for (size_t i = 0; i < recipe.steps.size(); ++i) {
    const Step& step = recipe.steps[i];
    StepApplicability s;
    s.number = i + 1;
    s.action = step.action;
    if (step.when) s.backends = step.when->backend;
    if (s.backends.empty()) {
      tuple::Target t = target;
      t.backend.reset();
      s.applies = step_applies(step, t);
    } else {
      info.backend_recipe = true;
      // A backend step applies only where this machine's GPU can run its backend.
      s.applies = std::any_of(s.backends.begin(), s.backends.end(), [&](const std::string& backend) {
        if (!backend_runs_on(backend, target.gpu)) return false;
        tuple::Target t = target;
        t.backend = tuple::parse_backend(backend);
        return step_applies(step, t);
      });
    }
    info.steps.push_back(std::move(s));
  }
  for (std::string_view backend : tuple::k_backend_names) {
    tuple::Target t = target;
    t.backend = tuple::parse_backend(backend);
    bool offered = std::any_of(recipe.steps.begin(), recipe.steps.end(), [&](const Step& step) {
      return step.when && !step.when->backend.empty() && step_applies(step, t);
    });
    if (offered && backend_runs_on(backend, target.gpu)) {
      info.backends_here.emplace_back(backend);
      continue;
    }
    // A build for this platform that another GPU, driver or gfx target could run.
    bool elsewhere = std::any_of(recipe.steps.begin(), recipe.steps.end(), [&](const Step& step) {
      if (!step.when || step.when->backend.empty()) return false;
      Step relaxed = step;
      relaxed.when->gpu.clear();
      relaxed.when->gpu_driver.clear();
      relaxed.when->gpu_compute.clear();
      relaxed.when->gfx.clear();
      return step_applies(relaxed, t);
    });
    if (elsewhere) info.backends_elsewhere.emplace_back(backend);
  }
  return info;
}

nlohmann::ordered_json recipe_info_to_json(const RecipeInfo& info) {
  nlohmann::ordered_json out;
  out["name"] = info.name;
  out["description"] = info.description;
  out["homepage"] = info.homepage;
  out["type"] = info.type;
  out["platforms"] = info.platforms;
  out["supported_libc"] = info.libc;
  out["supported_here"] = info.supported_here;
  if (!info.unsupported_reason.empty()) out["unsupported_reason"] = info.unsupported_reason;
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();
  for (const auto& s : info.steps) {
    nlohmann::ordered_json step;
    step["step"] = s.number;
    step["action"] = s.action;
    if (!s.backends.empty()) step["backends"] = s.backends;
    step["applies"] = s.applies;
    steps.push_back(std::move(step));
  }
  out["steps"] = std::move(steps);
  out["backend_recipe"] = info.backend_recipe;
  if (info.backend_recipe) {
    out["backends_here"] = info.backends_here;
    out["backends_elsewhere"] = info.backends_elsewhere;
  }
  return out;
}

std::string format_recipe_info(const RecipeInfo& info, const tuple::Target& target) {
  std::string out = fmt::format("{}{}\n", info.name, info.description.empty() ? "" : " - " + info.description);
  if (!info.homepage.empty()) out += fmt::format("  homepage:   {}\n", info.homepage);
  out += fmt::format("  type:       {}\n", info.type);
  out += fmt::format("  platforms:  {}\n", joined_or(info.platforms, "none"));
  out += fmt::format("  libc:       {}\n", joined_or(info.libc, "any"));
  std::string machine = target.os + "/" + target.arch;
  if (target.linux_family) machine += fmt::format(" {}", tuple::name(*target.linux_family));
  if (target.libc) machine += fmt::format(" {}", tuple::name(*target.libc));
  if (target.gpu) machine += fmt::format(", gpu {}", tuple::name(*target.gpu));
  if (!target.gpu_driver.empty()) machine += " (driver " + target.gpu_driver + ")";
  if (!target.gfx.empty()) machine += " (" + util::join(target.gfx, ", ") + ")";
  out += fmt::format("  this machine: {}{}\n", machine, info.supported_here ? "" : " - not supported");
  if (!info.supported_here && !info.unsupported_reason.empty())
    out += fmt::format("    reason: {}\n", info.unsupported_reason);
  out += "  steps:\n";
  for (const auto& s : info.steps) {
    std::string backends = s.backends.empty() ? "" : fmt::format(" [backend {}]", util::join(s.backends, ", "));
    out += fmt::format("    {}. {}{}: {}\n", s.number, s.action, backends, s.applies ? "applies" : "skipped here");
  }
  if (info.backend_recipe) {
    out += fmt::format("  backends here: {}\n", joined_or(info.backends_here, "none"));
    if (!info.backends_elsewhere.empty())
      out += fmt::format("  backends elsewhere: {} (not on this machine's GPU)\n",
                         util::join(info.backends_elsewhere, ", "));
  }
  return out;
}

}  // namespace tailor::recipe
