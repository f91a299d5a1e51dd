#pragma once
// The facts tailor knows about a machine (platform-and-install.md §1-4). Detection produces
// a Facts value; `detect --json` prints it and `--facts FILE` loads it back.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  std::string power_state;
  std::optional<uint64_t> vram_bytes;
  std::string gfx_target;
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
  bool operator==(const VulkanDevice&) const = default;
};

struct Evidence {
  std::string fact;
  std::string value;
  std::string source;
  bool operator==(const Evidence&) const = default;
};

struct Facts {
  std::string os;            // linux, darwin
  std::string arch;          // amd64, arm64
  std::string linux_family;  // debian, rhel, arch, alpine, suse, ""
  std::string libc;          // glibc, musl, ""
  std::string libc_version;
  OsRelease os_release;
  std::string kernel;
  std::string gpu;         // nvidia, amd, intel, apple, none, ""
  std::string gpu_driver;  // kernel driver version of the primary GPU
  bool gpu_visible = false;
  std::string vulkan;  // usable, loader-only, absent
  Environment environment;
  std::vector<GpuDevice> gpu_devices;
  std::vector<VulkanDevice> vulkan_devices;
  std::map<std::string, std::optional<std::string>> env;  // visibility variables
  std::map<std::string, std::string> overrides;           // fact -> origin ("--gpu", "TAILOR_GPU", ...)
  std::vector<Evidence> evidence;
  std::vector<std::string> warnings;  // not serialized; printed by detect
  bool operator==(const Facts&) const = default;
};

} // namespace tailor::platform
