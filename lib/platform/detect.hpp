#pragma once
// Entry points of platform detection: resolve the facts of a machine (detection, then a facts file, environment and
// flags on top, docs/detection.md, "Overrides and facts files") and convert facts to and from JSON.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/facts.hpp"
#include "platform/host_fs.hpp"
#include "tuple/target.hpp"
#include "util/result.hpp"

namespace tailor::platform {

// Values given on the command line, by fact (tuple/fact_table.hpp); nullopt = flag not given.
using FactOverrides = tuple::FactValues;

struct DetectRequest {
  std::string sysroot;     // "" = real machine (TAILOR_SYSROOT when empty)
  std::string facts_file;  // "" = none (TAILOR_FACTS when empty)
  FactOverrides flags;
  std::string probe = "auto";  // auto, none, vulkan, deep ("" = TAILOR_PROBE or auto)
  bool names = false;          // look up PCI names (display only; never while planning)
  std::string pci_ids;         // alternative pci.ids ("" = TAILOR_PCI_IDS or libpci's own)
  bool need_vulkan = false;    // a decision needs the `vulkan` fact: run Tier 1 unless probe=none
  std::string cache_dir;       // Tier 1 cache directory ($TAILOR_HOME/cache/detect); "" = no cache
  // gpu.device as the configuration gives it (config.toml or TAILOR_GPU_DEVICE), below
  // --gpu-device; the origin names where it came from in messages and evidence.
  std::optional<std::string> configured_gpu_device;
  std::string configured_gpu_device_origin;
};

inline constexpr int k_facts_version = 1;

// Detects the machine and applies overrides with precedence flag > environment > facts file
// > detection. Invalid override values are ErrorKind::usage naming the allowed values.
Result<Facts> resolve_facts(const DetectRequest& request);

// How the `vulkan` fact is found (docs/detection.md, "What is read, and from where" and "Tier 1 cache").
enum class VulkanTier {
  estimate,             // Tier 0 file checks only
  cached,               // a valid Tier 1 cache entry, else the Tier 0 estimate
  cached_or_enumerate,  // a valid Tier 1 cache entry, else enumerate and store
  enumerate,            // enumerate and store (explicit --probe: bypasses and refreshes the cache)
};

struct DetectOptions {
  VulkanTier vulkan = VulkanTier::estimate;
  std::string cache_dir;  // "" = no Tier 1 cache
  int64_t now = 0;        // unix seconds for the cache TTL; 0 = the clock
  bool deep = false;      // Tier 2: nvidia-smi, vulkaninfo, rocminfo
  int deep_timeout_ms = 5000;
  bool names = false;
  std::string pci_ids;
  // The visibility variables (CUDA_VISIBLE_DEVICES, HSA_OVERRIDE_GFX_VERSION, ...) as this process
  // sees them; resolve_facts reads them from the environment, detection itself never does.
  std::map<std::string, std::optional<std::string>> env;
};

// The variables detection reports in Facts::env.
const std::vector<std::string>& visibility_variables();

// Pure detection through `fs`, no overrides. Never fails: what cannot be read is reported
// as unknown with a warning.
Facts detect_facts(const HostFs& fs, const DetectOptions& options);

// The facts document (docs/detection.md, "Overrides and facts files"), keys in its order.
nlohmann::ordered_json facts_to_json(const Facts& facts);

// Reads a facts document; `origin` names it in errors. Absent keys keep their default;
// `present` (optional) receives the top-level keys found.
Result<Facts> facts_from_json(const nlohmann::json& doc, std::string_view origin,
                              std::set<std::string>* present = nullptr);

// The gfx targets a ROCm build is matched against (docs/detection.md, "AMD gfx targets"): the
// detected (or --gfx) targets of an AMD machine, or the one HSA_OVERRIDE_GFX_VERSION names,
// since the ROCm runtime then reports every device as that target.
struct GfxTargets {
  std::vector<std::string> targets;  // empty: unknown (no AMD GPU, or no target detected)
  std::string override_value;        // HSA_OVERRIDE_GFX_VERSION, "" when unset or not applied
  std::string note;                  // "gfx1030 from HSA_OVERRIDE_GFX_VERSION=10.3.0 (detected gfx1010)"
  std::string problem;               // an override that names no target (ignored, with this warning)
};
GfxTargets effective_gfx_targets(const Facts& facts);

// This machine's platform tuple: the facts after overrides, with the gfx targets ROCm sees
// (effective_gfx_targets) and no backend.
tuple::Target machine_target(const Facts& facts);

}  // namespace tailor::platform
