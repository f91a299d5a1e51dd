#include "fact_options.hpp"

#include <algorithm>
#include <vector>

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
  // In the order --help has always listed them, then any other fact of the table in its order:
  // a new fact gets its flag from its row alone.
  using tuple::Fact;
  std::vector<Fact> order = {Fact::os,         Fact::arch,        Fact::linux_family, Fact::libc,       Fact::gpu,
                             Fact::gpu_driver, Fact::gpu_compute, Fact::gfx,          Fact::gpu_device, Fact::vulkan};
  for (const tuple::FactDef& def : tuple::fact_table())
    if (std::find(order.begin(), order.end(), def.fact) == order.end()) order.push_back(def.fact);
  for (Fact fact : order) {
    const tuple::FactDef& def = tuple::fact_def(fact);
    app.add_option(std::string(def.flag), flags.values[fact], std::string(def.help))->group(group);
  }
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
  request.flags = flags.values;
  return request;
}

}  // namespace tailor::cli
