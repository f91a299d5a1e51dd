#include "fact_options.hpp"

#include "config/home.hpp"

namespace tailor::cli {

void add_fact_flags(CLI::App& app, FactFlags& flags) {
  const std::string group = "Machine facts";
  app.add_option("--sysroot", flags.sysroot, "Read every detection input below DIR (testing root; TAILOR_SYSROOT)")
      ->group(group);
  app.add_option("--facts", flags.facts, "Load facts from FILE written by `tailor detect --json` (TAILOR_FACTS)")
      ->group(group);
  app.add_option("--probe", flags.probe,
                 "Detection depth: auto, none (Tier 0 only), vulkan (enumerate now), deep (also nvidia-smi, "
                 "vulkaninfo, rocminfo) (TAILOR_PROBE)")
      ->group(group);
  app.add_option("--pci-ids", flags.pci_ids, "Alternative pci.ids for device names (TAILOR_PCI_IDS)")->group(group);
  app.add_option("--os", flags.os, "Target OS: linux, darwin")->group(group);
  app.add_option("--arch", flags.arch, "Target architecture: amd64, arm64")->group(group);
  app.add_option("--linux-family", flags.linux_family, "debian, rhel, arch, alpine, suse (TAILOR_LINUX_FAMILY)")
      ->group(group);
  app.add_option("--libc", flags.libc, "glibc, musl (TAILOR_LIBC)")->group(group);
  app.add_option("--gpu", flags.gpu, "nvidia, amd, intel, apple, none (TAILOR_GPU)")->group(group);
  app.add_option("--gpu-driver", flags.gpu_driver, "GPU kernel driver version, e.g. 570.133.07 (TAILOR_GPU_DRIVER)")
      ->group(group);
  app.add_option("--gpu-compute", flags.gpu_compute,
                 "CUDA compute capability of the GPU, e.g. 8.9 (TAILOR_GPU_COMPUTE)")
      ->group(group);
  app.add_option("--gfx", flags.gfx,
                 "AMD gfx target(s) of the GPU, e.g. gfx1030 or gfx1100,gfx1030 (TAILOR_GFX); "
                 "HSA_OVERRIDE_GFX_VERSION still applies")
      ->group(group);
  app.add_option("--gpu-device", flags.gpu_device, "Use the GPU at this PCI address (TAILOR_GPU_DEVICE)")->group(group);
  app.add_option("--vulkan", flags.vulkan, "usable, loader-only, absent (TAILOR_VULKAN)")->group(group);
}

platform::DetectRequest to_detect_request(const FactFlags& flags, const config::Config& config) {
  platform::DetectRequest request;
  request.sysroot = flags.sysroot;
  request.facts_file = flags.facts;
  request.probe = flags.probe.empty() ? config.get("detect.probe") : flags.probe;
  if (auto device = config.lookup("gpu.device"); device && !device->value.empty()) {
    request.configured_gpu_device = device->value;
    request.configured_gpu_device_origin =
        device->origin == config::Origin::env ? device->env : "gpu.device in " + config.path().string();
  }
  request.pci_ids = flags.pci_ids;
  request.cache_dir = (config::tailor_home() / "cache" / "detect").string();
  request.flags = {flags.os,         flags.arch,   flags.linux_family, flags.libc,        flags.gpu,
                   flags.gpu_driver, flags.vulkan, flags.gpu_device,   flags.gpu_compute, flags.gfx};
  return request;
}

}  // namespace tailor::cli
