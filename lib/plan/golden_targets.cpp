#include <algorithm>
#include <array>
#include <set>
#include <span>

#include "plan/backend.hpp"
#include "plan/golden.hpp"
#include "plan/recipe_plan.hpp"
#include "platform/nvidia_compute.hpp"
#include "recipe/when.hpp"
#include "tuple/fact_table.hpp"
#include "tuple/gpu_vendor.hpp"
#include "util/gfx_target.hpp"
#include "util/strings.hpp"

namespace tailor::plan {
namespace {

// The Linux families, in documentation order (docs/detection.md, "Overrides and facts files").
// "8.9" -> {8, 9}.
std::vector<int> capability_parts(std::string_view text) {
  std::vector<int> parts;
  for (const auto& part : util::split(text, '.')) parts.push_back(std::atoi(part.c_str()));
  return parts;
}

// Recipes reachable from `recipe` through any step's dependencies, whatever the target.
void reachable(const recipe::Recipe& recipe, const recipe::Registry& registry, std::set<std::string>& seen,
               std::vector<const recipe::Recipe*>& out) {
  if (!seen.insert(recipe.metadata.name).second) return;
  out.push_back(&recipe);
  std::set<std::string> names(recipe.metadata.dependencies.begin(), recipe.metadata.dependencies.end());
  names.insert(recipe.metadata.extra_dependencies.begin(), recipe.metadata.extra_dependencies.end());
  for (const auto& step : recipe.steps) {
    if (step.dependencies) names.insert(step.dependencies->begin(), step.dependencies->end());
  }
  for (const auto& entry : names) {
    auto found = registry.find(entry.substr(0, entry.find('@')));
    if (found && *found != nullptr) reachable(**found, registry, seen, out);
  }
}

// Representative driver versions for the gpu_driver ranges in play: each bound, and one
// below the lowest (an old driver).
std::vector<std::string> driver_cases(const std::vector<const recipe::Recipe*>& recipes) {
  std::set<long> bounds;
  for (const auto* recipe : recipes) {
    for (const auto& step : recipe->steps) {
      if (!step.when || step.when->gpu_driver.empty()) continue;
      for (const auto& comparator : util::split_whitespace(step.when->gpu_driver)) {
        size_t digits = comparator.find_first_of("0123456789");
        if (digits == std::string::npos) continue;
        bounds.insert(std::strtol(comparator.c_str() + digits, nullptr, 10));
      }
    }
  }
  if (bounds.empty()) return {};
  std::vector<std::string> cases{std::to_string(*bounds.begin() - 1)};
  for (long bound : bounds) cases.push_back(std::to_string(bound));
  return cases;
}

// Representative compute capabilities for the gpu_compute ranges in play: each bound, and the
// highest capability of the NVIDIA table below the lowest bound (an older GPU), paired with
// the driver cases that satisfy the gpu_driver range of a step with a compute range (only
// there can the capability change the plan). Each pair is one extra golden target; the
// targets without a capability (unknown) stay.
std::vector<std::pair<std::string, std::string>> compute_cases(const std::vector<const recipe::Recipe*>& recipes,
                                                               const std::vector<std::string>& drivers) {
  std::set<std::vector<int>> bounds;
  std::vector<const recipe::WhenClause*> clauses;
  for (const auto* recipe : recipes) {
    for (const auto& step : recipe->steps) {
      if (!step.when || step.when->gpu_compute.empty()) continue;
      clauses.push_back(&*step.when);
      for (const auto& comparator : util::split_whitespace(step.when->gpu_compute)) {
        size_t digits = comparator.find_first_of("0123456789");
        if (digits != std::string::npos) bounds.insert(capability_parts(comparator.substr(digits)));
      }
    }
  }
  if (bounds.empty()) return {};
  std::set<std::vector<int>> capabilities(bounds.begin(), bounds.end());
  std::vector<int> below;
  for (const auto& entry : platform::nvidia_compute_table()) {
    std::vector<int> parts = capability_parts(entry.compute);
    if (parts < *bounds.begin() && parts > below) below = parts;
  }
  if (!below.empty()) capabilities.insert(below);
  std::vector<std::string> driver_list = drivers.empty() ? std::vector<std::string>{""} : drivers;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& driver : driver_list) {
    bool relevant = std::any_of(clauses.begin(), clauses.end(), [&](const recipe::WhenClause* when) {
      return when->gpu_driver.empty() || recipe::driver_in_range(when->gpu_driver, driver);
    });
    if (!relevant) continue;
    for (const auto& capability : capabilities) {
      out.emplace_back(driver, fmt::format("{}.{}", capability[0], capability.size() > 1 ? capability[1] : 0));
    }
  }
  return out;
}

// Representative AMD gfx targets for the `gfx` lists in play: the first one listed, and the
// first target of util::known_gfx_targets() that no list names (a GPU the builds leave out).
std::vector<std::string> gfx_cases(const std::vector<const recipe::Recipe*>& recipes) {
  std::vector<std::string> listed;
  for (const auto* recipe : recipes) {
    for (const auto& step : recipe->steps) {
      if (step.when) listed.insert(listed.end(), step.when->gfx.begin(), step.when->gfx.end());
    }
  }
  if (listed.empty()) return {};
  std::vector<std::string> cases{listed.front()};
  for (const auto& known : util::known_gfx_targets()) {
    if (std::find(listed.begin(), listed.end(), known) == listed.end()) {
      cases.emplace_back(known);
      break;
    }
  }
  return cases;
}

}  // namespace

std::string golden_platform_name(const tuple::Target& target) {
  std::string name = target.os;
  if (target.linux_family) name += fmt::format("-{}", tuple::name(*target.linux_family));
  name += "-" + target.arch;
  if (target.gpu) name += fmt::format("-gpu-{}", tuple::name(*target.gpu));
  if (!target.gpu_driver.empty()) name += "-drv" + target.gpu_driver;
  if (!target.gpu_compute.empty()) name += "-cc" + target.gpu_compute;
  for (const std::string& gfx : target.gfx) name += "-" + gfx;
  return name;
}

std::string golden_file_name(const std::string& version, const tuple::Target& target) {
  return (version.starts_with('v') ? "" : "v") + version + "-" + golden_platform_name(target) + ".json";
}

std::optional<ParsedGoldenName> parse_golden_name(const std::string& file_name) {
  if (!file_name.ends_with(".json") || !file_name.starts_with('v')) return std::nullopt;
  auto parts = util::split(file_name.substr(0, file_name.size() - 5), '-');
  ParsedGoldenName parsed;
  if (parts.size() >= 2 && parts.back().starts_with("gfx")) {
    parsed.target.gfx = {parts.back()};
    parts.pop_back();
  }
  if (parts.size() >= 2 && parts.back().starts_with("cc")) {
    parsed.target.gpu_compute = parts.back().substr(2);
    parts.pop_back();
  }
  if (parts.size() >= 2 && parts.back().starts_with("drv")) {
    parsed.target.gpu_driver = parts.back().substr(3);
    parts.pop_back();
  }
  if (parts.size() >= 3 && parts[parts.size() - 2] == "gpu") {
    parsed.target.gpu = tuple::parse_gpu_vendor(parts.back());
    if (!parsed.target.gpu) return std::nullopt;
    parts.resize(parts.size() - 2);
  }
  if (parts.size() >= 4) parsed.target.linux_family = tuple::parse_linux_family(parts[parts.size() - 2]);
  size_t platform_parts = parsed.target.linux_family ? 3 : 2;
  if (parts.size() <= platform_parts) return std::nullopt;
  parsed.target.os = parts[parts.size() - platform_parts];
  parsed.target.arch = parts.back();
  parts.resize(parts.size() - platform_parts);
  parsed.version = util::join(parts, "-").substr(1);
  return parsed;
}

Target plan_target(const tuple::Target& target) {
  Target out;
  out.os = target.os;
  out.arch = target.arch;
  if (target.os == "linux") {
    // Agnostic Linux goldens are planned as debian, like the reference's Ubuntu runners.
    out.linux_family = target.linux_family ? target.linux_family : tuple::LinuxFamily::debian;
    out.libc = out.linux_family == tuple::LinuxFamily::alpine ? tuple::Libc::musl : tuple::Libc::glibc;
    out.gpu = target.gpu ? target.gpu : tuple::GpuVendor::none;
  } else {
    out.linux_family = target.linux_family;
    out.gpu = target.gpu ? target.gpu : tuple::GpuVendor::apple;
  }
  out.gpu_driver = target.gpu_driver;
  out.gpu_compute = target.gpu_compute;
  out.gfx = target.gfx;
  return out;
}

Result<std::vector<tuple::Target>> golden_targets(const recipe::Recipe& recipe, const recipe::Registry& registry) {
  bool darwin = false, varying = false, unconstrained_linux = false, any_linux = false;
  std::set<std::string> used;
  for (const auto& step : recipe.steps) {
    auto constraint = recipe::analyze_step(step);
    if (!constraint) return fail(constraint.error());
    const auto& c = *constraint;
    if (c.os.empty() || c.os == "darwin") darwin = true;
    if (!c.os.empty() && c.os != "linux") continue;
    any_linux = true;
    if (c.family_varying) {
      if (!c.family.empty())
        used.insert(c.family);
      else
        varying = true;
    } else if (!c.family.empty()) {
      used.insert(c.family);
    } else if (c.libc == "glibc") {
      used.insert({"debian", "rhel", "arch", "suse"});
    } else if (c.libc == "musl") {
      used.insert("alpine");
    } else {
      unconstrained_linux = true;
    }
  }
  std::vector<tuple::Target> base;
  if (darwin) {
    for (const char* arch : {"amd64", "arm64"}) base.push_back({.os = "darwin", .arch = arch});
  }
  if (any_linux) {
    std::vector<std::optional<tuple::LinuxFamily>> families;  // nullopt: any family
    for (std::string_view family : tuple::k_linux_family_names) {
      if (varying || (!used.empty() && unconstrained_linux) || used.contains(std::string(family)))
        families.push_back(tuple::parse_linux_family(family));
    }
    if (used.empty() && !varying) families = {std::nullopt};
    for (const char* arch : {"amd64", "arm64"}) {
      for (const auto& family : families) base.push_back({.os = "linux", .arch = arch, .linux_family = family});
    }
  }
  std::erase_if(base, [&](const tuple::Target& t) { return !supports(recipe, t.os, t.arch); });

  std::set<std::string> seen;
  std::vector<const recipe::Recipe*> tree;
  reachable(recipe, registry, seen, tree);
  bool gpu_dimension = std::any_of(tree.begin(), tree.end(), [](const auto* r) { return has_gpu_conditions(*r); });
  if (!gpu_dimension) return base;
  auto drivers = driver_cases(tree);
  auto computes = compute_cases(tree, drivers);
  auto gfxs = gfx_cases(tree);
  std::vector<tuple::Target> out;
  for (const auto& target : base) {
    // A Mac has Apple's GPU; Linux any vendor the PCI scan finds, or none.
    std::vector<tuple::GpuVendor> vendors;
    for (const tuple::GpuVendorDef& def : tuple::k_gpu_vendors) {
      const bool here = target.os == "darwin" ? def.vendor == tuple::GpuVendor::apple
                                              : def.pci || def.vendor == tuple::GpuVendor::none;
      if (here) vendors.push_back(def.vendor);
    }
    for (const auto& vendor : vendors) {
      tuple::Target t = target;
      t.gpu = vendor;
      if (vendor == tuple::GpuVendor::nvidia && !drivers.empty()) {
        for (const auto& driver : drivers) {
          t.gpu_driver = driver;
          out.push_back(t);
        }
      } else {
        out.push_back(t);
      }
      if (vendor == tuple::GpuVendor::amd) {
        for (const auto& gfx : gfxs) {
          tuple::Target g = t;
          g.gfx = {gfx};
          out.push_back(g);
        }
      }
      if (vendor == tuple::GpuVendor::nvidia) {
        for (const auto& [driver, compute] : computes) {
          tuple::Target c = t;
          c.gpu_driver = driver;
          c.gpu_compute = compute;
          out.push_back(c);
        }
      }
    }
  }
  return out;
}

}  // namespace tailor::plan
