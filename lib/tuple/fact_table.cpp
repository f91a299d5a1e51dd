#include "tuple/fact_table.hpp"

#include <algorithm>

#include "tuple/gpu_vendor.hpp"
#include "tuple/values.hpp"
#include "util/gfx_target.hpp"
#include "util/strings.hpp"
#include "util/suggest.hpp"

namespace tailor::tuple {
namespace {

constexpr std::array<std::string_view, 2> k_oses{"linux", "darwin"};
constexpr std::array<std::string_view, 2> k_arches{"amd64", "arm64"};
constexpr std::array<std::string_view, 3> k_vulkan_states{"usable", "loader-only", "absent"};

constexpr std::array<FactDef, k_fact_count> k_facts{{
    {Fact::os, "os", "--os", "", "OS", ValueRule::listed, k_oses, "Target OS: linux, darwin"},
    {Fact::arch, "arch", "--arch", "", "architecture", ValueRule::listed, k_arches,
     "Target architecture: amd64, arm64"},
    {Fact::linux_family, "linux_family", "--linux-family", "TAILOR_LINUX_FAMILY", "Linux family", ValueRule::listed,
     k_linux_family_names, "debian, rhel, arch, alpine, suse (TAILOR_LINUX_FAMILY)"},
    {Fact::libc, "libc", "--libc", "TAILOR_LIBC", "C library", ValueRule::listed, k_libc_names,
     "glibc, musl (TAILOR_LIBC)"},
    {Fact::gpu, "gpu", "--gpu", "TAILOR_GPU", "GPU vendor", ValueRule::listed, k_gpu_vendor_names,
     "nvidia, amd, intel, apple, none (TAILOR_GPU)"},
    {Fact::gpu_driver,
     "gpu_driver",
     "--gpu-driver",
     "TAILOR_GPU_DRIVER",
     "GPU driver",
     ValueRule::driver_version,
     {},
     "GPU kernel driver version, e.g. 570.133.07 (TAILOR_GPU_DRIVER)"},
    {Fact::vulkan, "vulkan", "--vulkan", "TAILOR_VULKAN", "Vulkan state", ValueRule::listed, k_vulkan_states,
     "usable, loader-only, absent (TAILOR_VULKAN)"},
    {Fact::gpu_device,
     "gpu_device",
     "--gpu-device",
     "TAILOR_GPU_DEVICE",
     "GPU device",
     ValueRule::free,
     {},
     "Use the GPU at this PCI address (TAILOR_GPU_DEVICE)"},
    {Fact::gpu_compute,
     "gpu_compute",
     "--gpu-compute",
     "TAILOR_GPU_COMPUTE",
     "compute capability",
     ValueRule::compute_capability,
     {},
     "CUDA compute capability of the GPU, e.g. 8.9 (TAILOR_GPU_COMPUTE)"},
    {Fact::gfx,
     "gfx_targets",
     "--gfx",
     "TAILOR_GFX",
     "gfx target",
     ValueRule::gfx_list,
     {},
     "AMD gfx target(s) of the GPU, e.g. gfx1030 or gfx1100,gfx1030 (TAILOR_GFX); HSA_OVERRIDE_GFX_VERSION still "
     "applies"},
}};

bool is_driver_version(std::string_view value) {
  if (value.empty()) return true;
  for (const std::string& part : util::split(value, '.')) {
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return false;
  }
  return true;
}

bool is_compute_capability(std::string_view value) {
  if (value.empty()) return true;
  auto parts = util::split(value, '.');
  return parts.size() == 2 && std::all_of(parts.begin(), parts.end(), [](const std::string& part) {
           return !part.empty() && part.size() <= 3 && part.find_first_not_of("0123456789") == std::string::npos;
         });
}

}  // namespace

std::span<const FactDef> fact_table() { return k_facts; }

const FactDef& fact_def(Fact fact) { return k_facts.at(static_cast<std::size_t>(fact)); }

const FactDef* find_fact(std::string_view key) {
  auto found = std::find_if(k_facts.begin(), k_facts.end(), [&](const FactDef& def) { return def.key == key; });
  return found != k_facts.end() ? &*found : nullptr;
}

bool said_for_this_run(FactOrigin origin) { return origin == FactOrigin::flag || origin == FactOrigin::environment; }

std::vector<std::string> gfx_list(std::string_view value) {
  std::vector<std::string> out;
  for (const std::string& part : util::split(value, ',')) {
    std::string name = util::to_lower(std::string(util::trim(part)));
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status validate_fact_value(Fact fact, std::string_view value, std::string_view origin) {
  const FactDef& def = fact_def(fact);
  switch (def.rule) {
  case ValueRule::free: return {};
  case ValueRule::driver_version:
    if (is_driver_version(value)) return {};
    return fail(ErrorKind::usage, "invalid value \"{}\" for {}: must be a driver version such as 570.133.07, or \"\"",
                value, origin);
  case ValueRule::compute_capability:
    if (is_compute_capability(value)) return {};
    return fail(ErrorKind::usage, "invalid value \"{}\" for {}: must be a CUDA compute capability such as 8.9, or \"\"",
                value, origin);
  case ValueRule::gfx_list:
    for (const std::string& name : gfx_list(value)) {
      if (!util::is_gfx_target(name)) {
        return fail(ErrorKind::usage,
                    "invalid value \"{}\" for {}: '{}' is not an AMD gfx target such as gfx1030 or gfx90a "
                    "(comma-separated for several GPUs)",
                    value, origin, name);
      }
    }
    return {};
  case ValueRule::listed: break;
  }
  if (std::find(def.allowed.begin(), def.allowed.end(), value) != def.allowed.end()) return {};
  const std::vector<std::string> allowed(def.allowed.begin(), def.allowed.end());
  return fail(ErrorKind::usage, "unknown {} '{}'{}; {} takes one of {}", def.noun, value,
              util::did_you_mean(util::to_lower(value), allowed), origin, util::join(allowed, ", "));
}

}  // namespace tailor::tuple
