#pragma once
// Vulkan facts (docs/detection.md, "What is read, and from where"): Tier 0 finds the loader and ICD manifests by file
// checks; Tier 1 enumerates physical devices in a forked child (or reads the sysroot fixture).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/facts.hpp"
#include "platform/host_fs.hpp"
#include "util/result.hpp"

namespace tailor::platform {

struct VulkanFiles {
  std::string loader;  // first libvulkan.so.1 found, "" when none
  std::vector<VulkanIcd> icds;
};

// Loader presence and ICD manifests; `arch` picks the multiarch directory.
VulkanFiles find_vulkan_files(const HostFs& fs, const std::string& arch);

struct VulkanProbe {
  bool loaded = false;  // the loader was opened and an instance created
  std::vector<VulkanDevice> devices;
  std::string problem;  // timeout, crash or loader error; "" when fine
};

// Tier 1. Under a testing root the devices come from <root>/tailor-fixture/vulkan.json
// (no file: loader not loadable); otherwise a forked child with a 3 s timeout.
VulkanProbe probe_vulkan(const HostFs& fs);

// The real enumeration, in a child process (vulkan_probe_linux.cpp).
VulkanProbe probe_vulkan_in_child(int timeout_ms);

// Devices from the child's JSON or a fixture (shape of `vulkan_devices`).
Result<std::vector<VulkanDevice>> vulkan_devices_from_json(const nlohmann::json& doc);

// usable / loader-only / absent from a probe result.
std::string vulkan_fact_of(const VulkanProbe& probe);

// Tier 0 estimate without enumeration: absent without a loader; usable when an ICD manifest
// whose library exists belongs to a vendor whose device is bound to its driver;
// loader-only otherwise.
std::string vulkan_fact_estimate(const VulkanFiles& files, const std::vector<GpuDevice>& devices, bool wsl2);

// Whether NVIDIA's own Vulkan ICD is among `icds`: a manifest named nvidia_icd*.json (the
// driver's user-space package installs it in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d).
// Mesa's ICDs do not drive NVIDIA's proprietary kernel module.
bool has_nvidia_vulkan_icd(const std::vector<VulkanIcd>& icds);

// "1.3.239" from a packed VK_MAKE_API_VERSION value.
std::string vulkan_version_string(uint32_t packed);
// The device type name for VkPhysicalDeviceType (0..4).
std::string vulkan_device_type(int type);

}  // namespace tailor::platform
