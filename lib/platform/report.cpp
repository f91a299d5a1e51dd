#include "platform/report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "platform/detect.hpp"
#include "platform/gpu_policy.hpp"
#include "platform/os_release.hpp"
#include "util/strings.hpp"

namespace tailor::platform {
namespace {

std::string or_unknown(const std::string& value) { return value.empty() ? "unknown" : value; }

std::string device_line(const GpuDevice& d) {
  std::string name;
  if (d.vendor_name || d.device_name) {
    name = fmt::format("{} {} ", d.vendor_name.value_or(""), d.device_name.value_or(""));
  }
  std::string id = fmt::format("{}:{}", d.vendor_id.substr(d.vendor_id.starts_with("0x") ? 2 : 0),
                               d.device_id.substr(d.device_id.starts_with("0x") ? 2 : 0));
  std::vector<std::string> notes{d.kind, d.vendor};
  notes.push_back(d.driver.empty() ? "no driver"
                                   : "driver " + d.driver + (d.driver_version.empty() ? "" : " " + d.driver_version));
  if (!d.gfx_target.empty()) notes.push_back(d.gfx_target);
  if (!d.gpu_compute.empty()) notes.push_back("compute " + d.gpu_compute);
  if (d.vram_bytes) notes.push_back(fmt::format("{:.1f} GiB VRAM", static_cast<double>(*d.vram_bytes) / (1 << 30)));
  if (d.integrated) notes.push_back(*d.integrated ? "integrated" : "discrete");
  if (!d.power_state.empty()) notes.push_back(d.power_state);
  notes.push_back(d.eligible ? (d.visible ? "visible" : "not visible here") : "not eligible");
  if (d.primary) notes.push_back("primary");
  return fmt::format("  {}  {}[{}]  {}\n", d.bdf, name, id, util::join(notes, ", "));
}

const Evidence* evidence_for(const Facts& f, std::string_view fact) {
  for (const Evidence& e : f.evidence) {
    if (e.fact == fact) return &e;
  }
  return nullptr;
}

const GpuDevice* primary_device(const Facts& f) {
  for (const GpuDevice& d : f.gpu_devices) {
    if (d.primary) return &d;
  }
  return nullptr;
}

std::string vendor_hex(std::string_view vendor) {
  if (vendor == "nvidia") return "0x10de";
  if (vendor == "amd") return "0x1002";
  if (vendor == "intel") return "0x8086";
  return "";
}

std::string certainty(const Facts& f) {
  const GpuDevice* d = primary_device(f);
  if (f.gpu == "none" || f.gpu.empty()) return "";
  std::string usable = "unknown (run with --probe vulkan)";
  for (const VulkanDevice& v : f.vulkan_devices) {
    if (v.vendor_id == vendor_hex(f.gpu) && v.type != "cpu") usable = fmt::format("yes (Vulkan: {})", v.name);
  }
  if (f.vulkan_devices.empty() == false && usable.starts_with("unknown")) usable = "no Vulkan device of this vendor";
  if (d == nullptr) {
    if (f.environment.wsl2) usable = "yes (WSL libcuda.so.1)";
    return fmt::format("  hardware present: not on PCI ({})\n  user-space usable: {}\n  visible here: {}\n",
                       f.environment.wsl2             ? "WSL2 paravirtual GPU"
                       : f.environment.jetson.empty() ? "declared"
                                                      : "Jetson integrated GPU",
                       usable, f.gpu_visible ? "yes" : "no");
  }
  std::string driver =
      has_compute_driver(*d)
          ? fmt::format("yes ({}{})", d->driver, d->driver_version.empty() ? "" : " " + d->driver_version)
          : fmt::format("no ({})", d->driver.empty() ? "no driver bound" : d->driver + " is not a compute driver");
  return fmt::format(
      "  primary device {}\n  hardware present: yes\n  driver bound: {}\n  user-space usable: {}\n  visible here: {}\n",
      d->bdf, driver, usable, d->visible ? "yes" : "no");
}

std::vector<std::string> tsuku_differences(const Facts& f) {
  std::vector<std::string> out;
  if (f.os == "linux") {
    std::string tsuku = tsuku_gpu(f.gpu_devices);
    if (tsuku != f.gpu && !f.overrides.contains("gpu") && !f.overrides.contains("gpu_device")) {
      std::string why;
      if (evidence_for(f, "gpu") != nullptr && evidence_for(f, "gpu")->source.starts_with("wsl:"))
        why = "tailor counts the WSL2 GPU (libcuda) that tsuku cannot see on PCI";
      else if (!f.environment.jetson.empty())
        why = "tailor recognises the Jetson's integrated GPU";
      else if (std::any_of(f.gpu_devices.begin(), f.gpu_devices.end(),
                           [](const GpuDevice& d) { return d.driver == "vfio-pci" || d.driver == "pci-stub"; }))
        why = "tailor skips devices bound to vfio-pci/pci-stub (passed through to a VM)";
      else
        why = "tailor also counts class 0x0380 display controllers";
      out.push_back(fmt::format("gpu: tsuku would report \"{}\"; {}", tsuku, why));
    }
    std::string family = tsuku_linux_family_of(f.os_release);
    if (family != f.linux_family && !f.overrides.contains("linux_family")) {
      out.push_back(fmt::format("linux_family: tsuku would report \"{}\" ({})", family,
                                f.os_release.source == "/usr/lib/os-release"
                                    ? "it reads only /etc/os-release"
                                    : "tailor lowercases IDs and accepts ID_LIKE=suse"));
    }
  }
#if defined(__x86_64__)
  const char* build_arch = "amd64";
#elif defined(__aarch64__)
  const char* build_arch = "arm64";
#else
  const char* build_arch = "";
#endif
  if (f.arch != build_arch && !f.overrides.contains("arch")) {
    out.push_back(
        fmt::format("arch: tsuku reports its build architecture ({}); tailor reports the userland's", build_arch));
  }
  return out;
}

// What the Tier 2 tools printed, indented so it cannot be mistaken for tailor's own lines.
std::string deep_section(const std::vector<DeepProbe>& probes) {
  std::string out = "deep (--probe deep):\n";
  for (const DeepProbe& probe : probes) {
    out += fmt::format("  {}: {}\n", probe.command, probe.status);
    std::string_view text = probe.output;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (text.empty()) continue;
    for (const std::string& line : util::split(text, '\n')) out += "    | " + line + "\n";
  }
  return out;
}

}  // namespace

std::string format_facts_summary(const Facts& f) {
  std::string out;
  std::string distro = f.os_release.name.empty() ? or_unknown(f.os_release.id) : f.os_release.name;
  if (!f.os_release.version_id.empty()) distro += " " + f.os_release.version_id;
  out += fmt::format("OS:           {} ({}, family {})\n", f.os, distro,
                     f.linux_family.empty() ? "unknown" : f.linux_family);
  out += fmt::format("Architecture: {}\n", f.arch);
  out += fmt::format("C library:    {}{}\n", f.libc, f.libc_version.empty() ? "" : " " + f.libc_version);
  out += fmt::format("Kernel:       {}\n", or_unknown(f.kernel));
  std::string gpu = f.gpu;
  if (!f.gpu_driver.empty())
    gpu += ", driver " + f.gpu_driver +
           (f.nvidia_kernel_flavor.empty() ? "" : " (" + f.nvidia_kernel_flavor + " kernel module)");
  if (f.gpu != "none" && !f.gpu.empty())
    gpu += f.gpu_visible ? ", visible to this process" : ", NOT visible to this process";
  out += fmt::format("GPU:          {}\n", gpu);
  if (const GfxTargets gfx = effective_gfx_targets(f); !gfx.note.empty()) {
    out += fmt::format("GFX targets:  {} (HSA_OVERRIDE_GFX_VERSION={}: ROCm sees {})\n",
                       f.gfx_targets.empty() ? "none detected" : util::join(f.gfx_targets, ", "), gfx.override_value,
                       util::join(gfx.targets, ", "));
  } else if (!f.gfx_targets.empty()) {
    out += fmt::format("GFX targets:  {}\n", util::join(f.gfx_targets, ", "));
  }
  out +=
      fmt::format("GPU devices:  {}\n", f.gpu_devices.empty() ? "none on PCI" : std::to_string(f.gpu_devices.size()));
  for (const GpuDevice& d : f.gpu_devices) out += device_line(d);
  for (const Accelerator& a : f.accelerators) {
    out += fmt::format("Accelerator:  {} class {} [{}:{}] driver {}\n", a.bdf, a.class_code, a.vendor_id, a.device_id,
                       or_unknown(a.driver));
  }
  std::string vulkan = f.vulkan;
  if (!f.vulkan_loader.empty())
    vulkan += fmt::format(" (loader {}, {} ICD manifest(s))", f.vulkan_loader, f.vulkan_icds.size());
  out += fmt::format("Vulkan:       {}\n", vulkan);
  for (const VulkanDevice& v : f.vulkan_devices) {
    out += fmt::format("  {} ({}, Vulkan {})\n", v.name, v.type, v.api_version);
  }
  std::vector<std::string> env;
  if (f.environment.wsl2) env.push_back("WSL2");
  if (!f.environment.container.empty()) env.push_back("container " + f.environment.container);
  if (!f.environment.jetson.empty()) env.push_back("Jetson " + f.environment.jetson);
  if (f.environment.rosetta) env.push_back("Rosetta 2");
  out += fmt::format("Environment:  {}\n", env.empty() ? "bare machine" : util::join(env, ", "));
  for (const auto& [name, value] : f.env) {
    if (value) out += fmt::format("  {}={}\n", name, *value);
  }
  for (const auto& [fact, origin] : f.overrides) out += fmt::format("Override:     {} from {}\n", fact, origin.source);
  if (f.deep) {
    std::vector<std::string> runs;
    for (const DeepProbe& probe : *f.deep) runs.push_back(probe.tool + " " + probe.status);
    out += fmt::format("Deep probes:  {} (output with --explain)\n", util::join(runs, "; "));
  }
  return out;
}

std::string format_facts_explanation(const Facts& f) {
  std::string out;
  for (const char* fact :
       {"os", "arch", "linux_family", "libc", "gpu", "gpu_driver", "gpu_compute", "gpu_visible", "vulkan"}) {
    const Evidence* e = evidence_for(f, fact);
    if (e == nullptr) continue;
    out += fmt::format("{} = \"{}\"\n  from: {}\n  how sure: {}\n", fact, e->value, e->source, e->level);
    std::string_view name = fact;
    if (name == "libc" && !f.libc_version.empty()) out += fmt::format("  version: {}\n", f.libc_version);
    if (name == "gpu") out += certainty(f);
    if (name == "vulkan" && !f.vulkan_cached_at.empty() && e->source.starts_with("cached Vulkan enumeration")) {
      out += fmt::format(
          "  cached: Vulkan enumeration from {} (cache/detect/tier1.json; --probe vulkan enumerates again)\n",
          f.vulkan_cached_at);
    }
    if (name == "gpu_driver") {
      const GpuDevice* d = primary_device(f);
      if (d != nullptr && d->vendor == "nvidia" && d->driver != "nvidia") {
        out += fmt::format(
            "  note: {} is not driven by the NVIDIA kernel driver ({}); CUDA builds need the NVIDIA driver\n", d->bdf,
            d->driver.empty() ? "no driver bound" : d->driver);
      }
    }
  }
  if (const GfxTargets gfx = effective_gfx_targets(f); !gfx.targets.empty() || !gfx.problem.empty()) {
    const Evidence* e = evidence_for(f, "gfx_targets");
    out += fmt::format("gfx_targets = \"{}\"\n  from: {}\n", util::join(gfx.targets, ","),
                       !gfx.note.empty() ? gfx.note
                       : e != nullptr    ? e->source
                                         : "KFD topology (/sys/class/kfd/kfd/topology/nodes/*/properties)");
    if (!gfx.problem.empty()) out += "  note: " + gfx.problem + "\n";
  }
  out += "overrides:";
  if (f.overrides.empty())
    out += " none\n";
  else {
    out += "\n";
    for (const auto& [fact, origin] : f.overrides) out += fmt::format("  {} from {}\n", fact, origin.source);
  }
  if (f.deep) out += deep_section(*f.deep);
  std::vector<std::string> differences = tsuku_differences(f);
  out += "differences from tsuku:";
  if (differences.empty())
    out += " none\n";
  else {
    out += "\n";
    for (const std::string& line : differences) out += "  " + line + "\n";
  }
  return out;
}

}  // namespace tailor::platform
