// Tier 0 detection, plus Tier 1 Vulkan (cached) and Tier 2 tools when asked: every file read
// goes through HostFs.
#include "platform/detect.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "platform/deep_probe.hpp"
#include "platform/drivers.hpp"
#include "platform/gpu_policy.hpp"
#include "platform/libc.hpp"
#include "platform/markers.hpp"
#include "platform/nvidia_compute.hpp"
#include "platform/os_release.hpp"
#include "platform/pci.hpp"
#include "platform/pci_names.hpp"
#include "platform/tier1_cache.hpp"
#include "platform/vulkan.hpp"
#include "util/gfx_target.hpp"
#include "util/strings.hpp"

namespace tailor::platform {
namespace {

std::string_view strip_hex(std::string_view id) { return id.starts_with("0x") ? id.substr(2) : id; }

void detect_os_and_libc(const HostFs& fs, Facts& f) {
#if defined(__APPLE__)
  f.os = "darwin";
#else
  f.os = "linux";
#endif
  f.evidence.push_back({"os", f.os, "compile target of this tailor build", "certain"});
  LibcArch libc = detect_libc_and_arch(fs);
  f.arch = libc.arch;
  if (!libc.unsupported.empty()) f.arch = libc.unsupported;  // resolve_facts refuses it unless overridden
  f.evidence.push_back({"arch", f.arch, libc.arch_source, f.arch.empty() ? "unknown" : libc.arch_level});
  f.libc = libc.libc;
  f.libc_version = libc.libc_version;
  f.libc_interpreter = libc.interpreter;
  f.evidence.push_back({"libc", f.libc, libc.libc_source, libc.libc_level});
  if (!libc.problem.empty()) {
    f.warnings.push_back(fmt::format("{}: arch {} and libc {} are inferred (`tailor detect --explain` says from what)",
                                     libc.problem, f.arch.empty() ? "unknown" : f.arch, f.libc));
  }

  f.os_release = read_os_release(fs);
  f.linux_family = linux_family_of(f.os_release);
  if (f.os_release.source.empty()) {
    f.warnings.push_back("no os-release file (/etc/os-release, /usr/lib/os-release): Linux family unknown");
    f.evidence.push_back({"linux_family", "", "no /etc/os-release or /usr/lib/os-release", "unknown"});
  } else if (f.linux_family.empty()) {
    std::string like = f.os_release.id_like.empty() ? "none" : util::join(f.os_release.id_like, " ");
    f.warnings.push_back(
        fmt::format("distribution \"{}\" (ID_LIKE: {}) is not one of the supported families "
                    "(debian, rhel, arch, alpine, suse); system packages cannot be checked",
                    f.os_release.id, like));
    f.evidence.push_back({"linux_family", "",
                          fmt::format("{} ID={} ID_LIKE={}", f.os_release.source, f.os_release.id, like), "unknown"});
  } else {
    f.evidence.push_back(
        {"linux_family", f.linux_family,
         fmt::format("{} ID={}{}", f.os_release.source, f.os_release.id,
                     f.os_release.id_like.empty() ? "" : " ID_LIKE=" + util::join(f.os_release.id_like, " ")),
         "declared"});
  }
}

// Per-device driver facts: versions, KFD targets, visibility, eligibility.
void annotate_devices(const HostFs& fs, Facts& f, const NvidiaDriver& nvidia) {
  std::string amdgpu_version;
  std::vector<KfdNode> kfd;
  bool any_amd =
      std::any_of(f.gpu_devices.begin(), f.gpu_devices.end(), [](const GpuDevice& d) { return d.vendor == "amd"; });
  if (any_amd) {
    amdgpu_version = read_amdgpu_version(fs);
    kfd = read_kfd_nodes(fs);
  }
  for (GpuDevice& device : f.gpu_devices) {
    if (device.vendor == "nvidia" && device.driver == "nvidia") device.driver_version = nvidia.version;
    if (device.vendor == "nvidia") device.gpu_compute = nvidia_compute_capability(device.device_id);
    if (device.vendor == "amd" && device.driver == "amdgpu") device.driver_version = amdgpu_version;
    if (device.vendor == "amd") {
      for (const KfdNode& node : kfd) {
        bool by_minor =
            node.drm_render_minor && device.render_node == fmt::format("/dev/dri/renderD{}", *node.drm_render_minor);
        if (by_minor || kfd_bdf(node) == device.bdf) {
          device.gfx_target = decode_gfx_target(node.gfx_target_version);
          break;
        }
      }
    }
    if (!device.gfx_target.empty()) f.gfx_targets.push_back(device.gfx_target);
    device.eligible = is_eligible(device);
    Visibility visibility = pci_device_visibility(fs, device);
    device.visible = visibility.visible;
    if (device.eligible && !visibility.denied.empty()) {
      f.warnings.push_back(fmt::format("{} exists but this user cannot open it; join the `render`/`video` group",
                                       util::join(visibility.denied, ", ")));
    }
  }
  std::sort(f.gfx_targets.begin(), f.gfx_targets.end());
  f.gfx_targets.erase(std::unique(f.gfx_targets.begin(), f.gfx_targets.end()), f.gfx_targets.end());
}

void choose_gpu(const HostFs& fs, Facts& f, const Markers& markers) {
  std::string vendor = best_vendor(f.gpu_devices);
  if (!vendor.empty()) {
    size_t index = *choose_primary(f.gpu_devices, vendor);
    GpuDevice& primary = f.gpu_devices[index];
    primary.primary = true;
    f.gpu = vendor;
    f.gpu_driver = primary.driver_version;
    f.gpu_compute = primary.gpu_compute;
    f.gpu_visible = primary.visible;
    std::string level = primary.visible && has_compute_driver(primary) ? "visible here"
                        : has_compute_driver(primary)                  ? "driver bound"
                                                                       : "hardware present";
    f.evidence.push_back({"gpu", vendor,
                          fmt::format("pci {} class {} vendor {}", primary.bdf, primary.class_code, primary.vendor_id),
                          level});
    f.evidence.push_back({"gpu_driver", f.gpu_driver,
                          primary.driver.empty() ? fmt::format("pci {} has no kernel driver bound", primary.bdf)
                                                 : fmt::format("pci {} driver {}", primary.bdf, primary.driver),
                          has_compute_driver(primary) ? "driver bound" : "hardware present"});
    if (vendor == "nvidia") {
      std::string id = fmt::format("{}:{}", strip_hex(primary.vendor_id), strip_hex(primary.device_id));
      f.evidence.push_back(
          {"gpu_compute", f.gpu_compute,
           f.gpu_compute.empty()
               ? fmt::format("pci {} device {} is not in the compute capability table", primary.bdf, id)
               : fmt::format("pci {} device {} in the compute capability table", primary.bdf, id),
           f.gpu_compute.empty() ? "unknown" : "hardware present"});
    }
  } else if (markers.wsl_libcuda) {
    f.gpu = "nvidia";
    f.gpu_visible = wsl_visibility(fs).visible;
    f.evidence.push_back(
        {"gpu", "nvidia", "wsl:libcuda (/dev/dxg and /usr/lib/wsl/lib/libcuda.so.1)", "user-space usable"});
  } else if (!markers.jetson.empty()) {
    f.gpu = "nvidia";
    f.gpu_visible = jetson_visibility(fs).visible;
    f.evidence.push_back({"gpu", "nvidia", fmt::format("jetson: /etc/nv_tegra_release \"{}\"", markers.tegra_release),
                          "hardware present"});
  } else {
    f.gpu = "none";
    f.evidence.push_back(
        {"gpu", "none",
         f.gpu_devices.empty() ? "no display-class PCI device" : "no eligible NVIDIA, AMD or Intel display device",
         "no eligible hardware"});
  }
  f.evidence.push_back({"gpu_visible", f.gpu_visible ? "true" : "false",
                        "device nodes under /dev (stat and access only)",
                        f.gpu_visible ? "visible here" : "not visible here"});
}

std::string utc_time(int64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  ::gmtime_r(&time, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

void detect_vulkan(const HostFs& fs, Facts& f, const DetectOptions& options) {
  VulkanFiles files = find_vulkan_files(fs, f.arch);
  f.vulkan_loader = files.loader;
  f.vulkan_icds = files.icds;
  bool use_cache = !options.cache_dir.empty() && options.vulkan != VulkanTier::estimate;
  // Plain `detect` only peeks: without a cache file, it does not even compute the key.
  std::error_code ec;
  if (use_cache && options.vulkan == VulkanTier::cached &&
      !std::filesystem::exists(std::filesystem::path(options.cache_dir) / k_tier1_file, ec)) {
    use_cache = false;
  }
  std::string key = use_cache ? tier1_cache_key(fs, f.gpu_devices, files) : "";
  int64_t now = options.now != 0 ? options.now : static_cast<int64_t>(std::time(nullptr));
  std::optional<CachedProbe> cached;
  if (use_cache && options.vulkan != VulkanTier::enumerate) cached = load_tier1_cache(options.cache_dir, key, now);
  if (!cached && (options.vulkan == VulkanTier::estimate || options.vulkan == VulkanTier::cached)) {
    f.vulkan = vulkan_fact_estimate(files, f.gpu_devices, f.environment.wsl2);
    f.evidence.push_back({"vulkan", f.vulkan,
                          files.loader.empty()
                              ? "no libvulkan.so.1 in the library directories"
                              : fmt::format("loader {} and {} ICD manifest(s); not enumerated (use --probe vulkan)",
                                            files.loader, files.icds.size()),
                          files.loader.empty() ? "absent" : "inferred"});
    return;
  }
  VulkanProbe result;
  if (cached) {
    result = std::move(cached->probe);
    f.vulkan_cached_at = utc_time(cached->created_at);
  } else {
    result = probe_vulkan(fs);
    if (use_cache) store_tier1_cache(options.cache_dir, key, result, now);
  }
  f.vulkan_devices = result.devices;
  f.vulkan = vulkan_fact_of(result);
  if (!result.loaded && !result.problem.empty()) {
    std::vector<std::string> paths;
    for (const VulkanIcd& icd : files.icds) paths.push_back(icd.path);
    f.warnings.push_back(fmt::format("{}; Vulkan reported as loader-only (ICD manifests: {})", result.problem,
                                     paths.empty() ? "none" : util::join(paths, ", ")));
  }
  // The time stays out of the evidence: facts documents hold no wall-clock values (docs/detection.md, "Tier 1 cache");
  // --explain prints it from vulkan_cached_at.
  std::string source = cached        ? fmt::format("cached Vulkan enumeration of {} device(s)", result.devices.size())
                       : fs.rooted() ? "tailor-fixture/vulkan.json under the testing root"
                                     : fmt::format("Vulkan loader enumerated {} device(s)", result.devices.size());
  f.evidence.push_back({"vulkan", f.vulkan, source, f.vulkan == "usable" ? "user-space usable" : "enumerated"});
}

}  // namespace

Facts detect_facts(const HostFs& fs, const DetectOptions& options) {
  Facts f;
  detect_os_and_libc(fs, f);
  Markers markers = read_markers(fs, f.arch);
  f.kernel = markers.kernel;
  f.environment.wsl2 = markers.wsl2;
  f.environment.container = markers.container;
  f.environment.jetson = markers.jetson;
  if (markers.wsl && !markers.wsl2) f.warnings.push_back("WSL1 detected (no /dev/dxg): GPU builds are not supported");

  PciScan pci = scan_pci(fs);
  f.gpu_devices = std::move(pci.gpus);
  f.accelerators = std::move(pci.accelerators);
  NvidiaDriver nvidia;
  if (std::any_of(f.gpu_devices.begin(), f.gpu_devices.end(),
                  [](const GpuDevice& d) { return d.vendor == "nvidia"; })) {
    nvidia = read_nvidia_driver(fs);
    f.nvidia_kernel_flavor = nvidia.flavor;
    if (!nvidia.warning.empty()) f.warnings.push_back(nvidia.warning);
    if (std::string mismatch = nvidia_mismatch_warning(nvidia, read_nvidia_user_space(fs)); !mismatch.empty())
      f.warnings.push_back(std::move(mismatch));
  }
  annotate_devices(fs, f, nvidia);
  choose_gpu(fs, f, markers);
  if (options.names && !fs.rooted()) fill_pci_names(f.gpu_devices, options.pci_ids, f.warnings);

  detect_vulkan(fs, f, options);
  if (options.deep) f.deep = run_deep_probes(f.gpu_devices, f.gpu, options.deep_timeout_ms);
  for (const std::string& name : visibility_variables()) {
    auto it = options.env.find(name);
    f.env[name] = it != options.env.end() ? it->second : std::nullopt;
  }
  if (const auto& cuda = f.env["CUDA_VISIBLE_DEVICES"]; cuda && (cuda->empty() || *cuda == "-1")) {
    f.warnings.push_back(fmt::format("CUDA_VISIBLE_DEVICES=\"{}\" hides every device from CUDA", *cuda));
  }
  if (GfxTargets gfx = effective_gfx_targets(f); !gfx.problem.empty()) f.warnings.push_back(gfx.problem);
  return f;
}

const std::vector<std::string>& visibility_variables() {
  static const std::vector<std::string> k_names{"CUDA_VISIBLE_DEVICES",    "NVIDIA_VISIBLE_DEVICES",
                                                "ROCR_VISIBLE_DEVICES",    "HIP_VISIBLE_DEVICES",
                                                "GGML_VK_VISIBLE_DEVICES", "HSA_OVERRIDE_GFX_VERSION"};
  return k_names;
}

GfxTargets effective_gfx_targets(const Facts& facts) {
  GfxTargets out;
  if (facts.gpu != "amd") return out;
  out.targets = facts.gfx_targets;
  auto it = facts.env.find("HSA_OVERRIDE_GFX_VERSION");
  if (it == facts.env.end() || !it->second || it->second->empty()) return out;
  const std::string& value = *it->second;
  auto target = util::gfx_target_of_version(value);
  if (!target) {
    out.problem = fmt::format(
        "HSA_OVERRIDE_GFX_VERSION=\"{}\" names no gfx target (expected major.minor.stepping such as 10.3.0); "
        "it is ignored for planning, and the ROCm runtime may refuse to start",
        value);
    return out;
  }
  out.override_value = value;
  out.note = fmt::format("{} from HSA_OVERRIDE_GFX_VERSION={} (detected {})", *target, value,
                         facts.gfx_targets.empty() ? "none" : util::join(facts.gfx_targets, ", "));
  out.targets = {*target};
  return out;
}

tuple::Target machine_target(const Facts& facts) {
  tuple::Target target;
  target.os = facts.os;
  target.arch = facts.arch;
  target.linux_family = tuple::parse_linux_family(facts.linux_family);
  target.libc = tuple::parse_libc(facts.libc);
  target.gpu = tuple::parse_gpu_vendor(facts.gpu);
  target.gpu_driver = facts.gpu_driver;
  target.gpu_compute = facts.gpu_compute;
  target.gfx = effective_gfx_targets(facts).targets;
  return target;
}

}  // namespace tailor::platform
