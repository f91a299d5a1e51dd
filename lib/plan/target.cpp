#include "plan/target.hpp"

#include <algorithm>
#include <set>

#include "plan/backend.hpp"
#include "platform/detect.hpp"
#include "platform/vulkan.hpp"
#include "recipe/when.hpp"

namespace tailor::plan {
namespace {

struct TreeNeeds {
  bool family = false;
  bool gpu = false;
};

void scan(const recipe::Recipe& recipe, const recipe::Registry& registry, std::set<std::string>& seen,
          TreeNeeds& needs) {
  if (!seen.insert(recipe.metadata.name).second) return;
  for (const auto& step : recipe.steps) {
    auto implicit = recipe::implicit_constraint(step.action);
    if ((implicit && !implicit->family.empty()) || (step.when && !step.when->linux_family.empty())) needs.family = true;
  }
  if (has_gpu_conditions(recipe)) needs.gpu = true;
  std::set<std::string> names(recipe.metadata.dependencies.begin(), recipe.metadata.dependencies.end());
  for (const auto& step : recipe.steps) {
    if (step.dependencies) names.insert(step.dependencies->begin(), step.dependencies->end());
  }
  for (const auto& name : names) {
    auto found = registry.find(name.substr(0, name.find('@')));
    if (found && *found != nullptr) scan(**found, registry, seen, needs);
  }
}

}  // namespace

Result<Target> resolve_target(const recipe::Recipe& recipe, const recipe::Registry& registry,
                              const platform::Facts& facts, bool foreign) {
  Target target;
  target.os = facts.os;
  target.arch = facts.arch;
  if (!foreign) {
    static_cast<tuple::Target&>(target) = platform::machine_target(facts);
    target.libc_version = facts.libc_version;
    target.vulkan = facts.vulkan;
    target.gfx_note = platform::effective_gfx_targets(facts).note;
    // NVIDIA's own ICD must be among the manifests found, when an NVIDIA GPU was seen here (not
    // only named by --gpu); a usable Vulkan (enumerated, or estimated from an ICD whose library
    // is there) needs no further check.
    const bool nvidia_seen = std::any_of(facts.gpu_devices.begin(), facts.gpu_devices.end(),
                                         [](const platform::GpuDevice& d) { return d.vendor == "nvidia"; });
    if (target.gpu == tuple::GpuVendor::nvidia && nvidia_seen)
      target.nvidia_vulkan_icd = facts.vulkan == "usable" || platform::has_nvidia_vulkan_icd(facts.vulkan_icds);
    return target;
  }
  // Only what the user said for this plan counts (flags, TAILOR_* variables); a facts file
  // describes some machine, not the foreign target.
  auto given = [&](const char* fact) {
    auto it = facts.overrides.find(fact);
    return it != facts.overrides.end() && tuple::said_for_this_run(it->second.origin);
  };
  if (given("linux_family")) target.linux_family = tuple::parse_linux_family(facts.linux_family);
  if (target.os == "linux") {
    target.libc = given("libc")                                       ? tuple::parse_libc(facts.libc)
                  : target.linux_family == tuple::LinuxFamily::alpine ? tuple::Libc::musl
                                                                      : tuple::Libc::glibc;
  }
  if (given("gpu")) {
    target.gpu = tuple::parse_gpu_vendor(facts.gpu);
  } else if (target.os == "darwin") {
    target.gpu = tuple::GpuVendor::apple;
  }
  if (given("gpu_driver")) target.gpu_driver = facts.gpu_driver;
  if (given("gpu_compute")) target.gpu_compute = facts.gpu_compute;
  if (given("gfx_targets") && target.gpu == tuple::GpuVendor::amd) target.gfx = facts.gfx_targets;
  if (given("vulkan")) target.vulkan = facts.vulkan;
  if (target.os == "linux") {
    TreeNeeds needs;
    std::set<std::string> seen;
    scan(recipe, registry, seen, needs);
    if (needs.family && !target.linux_family) {
      return fail(ErrorKind::usage,
                  "planning {} for {}/{} needs --linux-family (debian, rhel, arch, alpine, suse): "
                  "its steps depend on the distribution",
                  recipe.metadata.name, target.os, target.arch);
    }
    if (needs.gpu && !target.gpu) {
      return fail(ErrorKind::usage,
                  "planning {} for {}/{} needs --gpu (nvidia, amd, intel, none): its steps depend on "
                  "the GPU",
                  recipe.metadata.name, target.os, target.arch);
    }
  }
  return target;
}

}  // namespace tailor::plan
