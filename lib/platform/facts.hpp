#pragma once
// The facts tailor knows about a machine (docs/detection.md). Detection produces
// a Facts value; `detect --json` prints it and `--facts FILE` loads it back.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tuple/fact_table.hpp"
#include "util/result.hpp"

namespace tailor::platform {

struct OsRelease {
  std::string id;
  std::vector<std::string> id_like;
  std::string version_id;
  std::string version_codename;
  std::string name;
  std::string source;  // file that was read, "" when none
  bool operator==(const OsRelease&) const = default;
};

struct Environment {
  bool wsl2 = false;
  std::string container;  // "", docker, podman, other
  std::string jetson;     // "", jetpack5, jetpack6, l4t-<rel>
  bool rosetta = false;
  bool operator==(const Environment&) const = default;
};

struct GpuDevice {
  std::string bdf;
  std::string class_code;  // "0x030000"
  std::string kind;        // vga, xga, 3d, display
  std::string vendor;      // nvidia, amd, intel, other
  std::string vendor_id, device_id, subsystem_vendor_id, subsystem_device_id, revision;
  std::optional<std::string> vendor_name, device_name, subsystem_name;
  std::optional<bool> boot_vga;
  std::string driver;
  std::string driver_version;
  std::string gpu_compute;  // NVIDIA: CUDA compute capability ("8.9") from nvidia_compute.cpp, "" when unknown
  std::string power_state;
  std::string runtime_status;  // power/runtime_status: active, suspended, unsupported
  std::optional<uint64_t> vram_bytes;
  std::string gfx_target;
  std::string drm_card;  // "/dev/dri/card0"
  std::string render_node;
  std::optional<bool> integrated;
  bool eligible = false;
  bool visible = false;
  bool primary = false;
  bool operator==(const GpuDevice&) const = default;
};

struct VulkanDevice {
  std::string name;
  std::string type;  // other, integrated, discrete, virtual, cpu
  std::string vendor_id, device_id;
  std::string api_version;
  std::string driver_version;  // raw for most vendors; NVIDIA's 10.8.8.6 packing decoded
  bool operator==(const VulkanDevice&) const = default;
};

// An ICD manifest found by the loader's search rules (docs/detection.md, "What is read, and from where").
struct VulkanIcd {
  std::string path;
  std::string library_path;    // ICD.library_path, "" when unreadable
  bool library_found = false;  // the library exists where the loader would look
  bool operator==(const VulkanIcd&) const = default;
};

// A PCI function of class 0x12 (processing accelerator, NPU): listed, never a GPU.
struct Accelerator {
  std::string bdf, class_code, vendor_id, device_id, driver;
  bool operator==(const Accelerator&) const = default;
};

struct Evidence {
  std::string fact;
  std::string value;
  std::string source;
  std::string
      level;  // how sure: hardware present, driver bound, user-space usable, visible here, declared, inferred, override
  bool operator==(const Evidence&) const = default;
};

// One Tier 2 tool run (--probe deep): reported as printed, never used for a decision.
struct DeepProbe {
  std::string tool;     // nvidia-smi, vulkaninfo, rocminfo
  std::string command;  // as run, e.g. "vulkaninfo --summary"
  std::string status;   // ok, failed (exit N), timed out ..., not found on PATH, skipped: ...
  std::optional<int> exit_code;
  std::string output;  // stdout and stderr, cut at 64 KiB
  bool operator==(const DeepProbe&) const = default;
};

// A fact set over detection, and where it came from (`source` is what messages and
// `detect --json` show: "--gpu", "TAILOR_GPU", "facts file F", "follows --linux-family").
struct FactOverride {
  tuple::FactOrigin origin = tuple::FactOrigin::flag;
  std::string source;
  bool operator==(const FactOverride&) const = default;
};

struct Facts {
  std::string os;            // linux, darwin
  std::string arch;          // amd64, arm64
  std::string linux_family;  // debian, rhel, arch, alpine, suse, ""
  std::string libc;          // glibc, musl, ""
  std::string libc_version;
  std::string libc_interpreter;  // PT_INTERP of /bin/sh, "" when static or unreadable
  OsRelease os_release;
  std::string kernel;
  std::string gpu;                   // nvidia, amd, intel, apple, none, ""
  std::string gpu_driver;            // kernel driver version of the primary GPU
  std::string gpu_compute;           // CUDA compute capability of the primary GPU, "" when unknown
  std::string nvidia_kernel_flavor;  // "", open, proprietary
  bool gpu_visible = false;
  std::vector<std::string> gfx_targets;  // sorted KFD targets, e.g. gfx1100
  std::string vulkan;                    // usable, loader-only, absent
  std::string vulkan_loader;             // path of libvulkan.so.1 found by Tier 0, "" when none
  std::vector<VulkanIcd> vulkan_icds;
  Environment environment;
  std::vector<GpuDevice> gpu_devices;
  std::vector<Accelerator> accelerators;
  std::vector<VulkanDevice> vulkan_devices;
  std::map<std::string, std::optional<std::string>> env;  // visibility variables
  std::map<std::string, FactOverride> overrides;          // by fact key (tuple::FactDef::key)
  std::vector<Evidence> evidence;
  std::vector<std::string> warnings;           // not serialized; printed by detect
  std::string vulkan_cached_at;                // not serialized: when the cached Tier 1 result was taken, "" when live
  std::optional<std::vector<DeepProbe>> deep;  // only with --probe deep; serialized last, only then
  bool operator==(const Facts&) const = default;
};

}  // namespace tailor::platform
