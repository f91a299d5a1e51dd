#include "platform/vulkan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "config/environment.hpp"
#include "util/strings.hpp"

namespace tailor::platform {
namespace {

// The variable's value; unset and empty both give `fallback`, as the Vulkan loader reads them.
std::string env_or(config::EnvVar var, const std::string& fallback) {
  auto value = config::env_value(var);
  return value && !value->empty() ? *value : fallback;
}

std::vector<std::string> colon_list(const std::string& text) {
  std::vector<std::string> out;
  for (std::string& part : util::split(text, ':')) {
    if (!part.empty()) out.push_back(std::move(part));
  }
  return out;
}

std::string multiarch_dir(const std::string& arch) {
  if (arch == "arm64") return "/usr/lib/aarch64-linux-gnu";
  return "/usr/lib/x86_64-linux-gnu";
}

void add_manifest(const HostFs& fs, const std::string& path, std::vector<VulkanIcd>& out) {
  VulkanIcd icd{path, "", false};
  if (auto text = fs.read_text(path, std::size_t{64} * 1024)) {
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_object() && doc.contains("ICD") && doc["ICD"].is_object()) {
      const auto& library = doc["ICD"].value("library_path", nlohmann::json());
      if (library.is_string()) icd.library_path = library.get<std::string>();
    }
  }
  out.push_back(std::move(icd));
}

void add_manifest_dir_or_file(const HostFs& fs, const std::string& path, std::vector<VulkanIcd>& out) {
  if (fs.is_dir(path)) {
    for (const std::string& name : fs.list_dir(path)) {
      if (name.ends_with(".json")) add_manifest(fs, fmt::format("{}/{}", path, name), out);
    }
  } else if (fs.exists(path)) {
    add_manifest(fs, path, out);
  }
}

// Vendor an ICD manifest serves, from its conventional file name.
std::string icd_vendor(const VulkanIcd& icd) {
  std::string name = icd.path.substr(icd.path.rfind('/') + 1);
  if (name.starts_with("nvidia")) return "nvidia";
  if (name.starts_with("radeon") || name.starts_with("amd")) return "amd";
  if (name.starts_with("intel")) return "intel";
  if (name.starts_with("dzn")) return "dzn";
  return "";
}

// Whether an ICD's library exists where the loader would find it: absolute paths as given,
// relative paths beside the manifest, bare names in the library directories.
bool icd_library_found(const HostFs& fs, const VulkanIcd& icd, const std::vector<std::string>& dirs) {
  const std::string& library = icd.library_path;
  if (library.empty()) return false;
  if (library.starts_with('/')) return fs.exists(library);
  if (library.find('/') != std::string::npos) return fs.exists(icd.path.substr(0, icd.path.rfind('/') + 1) + library);
  return std::any_of(dirs.begin(), dirs.end(), [&](const std::string& dir) { return fs.exists(dir + "/" + library); });
}

}  // namespace

VulkanFiles find_vulkan_files(const HostFs& fs, const std::string& arch) {
  VulkanFiles files;
  std::vector<std::string> dirs{multiarch_dir(arch), "/usr/lib64", "/usr/lib", "/lib64", "/lib"};
  for (std::string& dir : colon_list(env_or(config::EnvVar::ld_library_path, ""))) dirs.push_back(std::move(dir));
  for (const std::string& conf : fs.list_dir("/etc/ld.so.conf.d")) {
    if (!conf.ends_with(".conf")) continue;
    auto text = fs.read_text("/etc/ld.so.conf.d/" + conf, std::size_t{16} * 1024);
    for (const std::string& line : util::split(text.value_or(""), '\n')) {
      std::string_view dir = util::trim(line);
      if (dir.starts_with('/')) dirs.emplace_back(dir);
    }
  }
  dirs.emplace_back("/usr/lib/wsl/lib");
  for (const std::string& dir : dirs) {
    if (fs.exists(dir + "/libvulkan.so.1")) {
      files.loader = dir + "/libvulkan.so.1";
      break;
    }
  }

  std::string driver_files = env_or(config::EnvVar::vk_driver_files, env_or(config::EnvVar::vk_icd_filenames, ""));
  if (!driver_files.empty()) {
    for (const std::string& entry : colon_list(driver_files)) add_manifest_dir_or_file(fs, entry, files.icds);
  } else {
    std::string home = env_or(config::EnvVar::home, "");
    std::vector<std::string> bases{env_or(config::EnvVar::xdg_config_home, home.empty() ? "" : home + "/.config")};
    for (std::string& dir : colon_list(env_or(config::EnvVar::xdg_config_dirs, "/etc/xdg")))
      bases.push_back(std::move(dir));
    bases.emplace_back("/etc");
    bases.push_back(env_or(config::EnvVar::xdg_data_home, home.empty() ? "" : home + "/.local/share"));
    for (std::string& dir : colon_list(env_or(config::EnvVar::xdg_data_dirs, "/usr/local/share:/usr/share")))
      bases.push_back(std::move(dir));
    for (const std::string& base : bases) {
      if (!base.empty()) add_manifest_dir_or_file(fs, base + "/vulkan/icd.d", files.icds);
    }
  }
  for (const std::string& entry : colon_list(env_or(config::EnvVar::vk_add_driver_files, ""))) {
    add_manifest_dir_or_file(fs, entry, files.icds);
  }
  for (VulkanIcd& icd : files.icds) icd.library_found = icd_library_found(fs, icd, dirs);
  return files;
}

bool has_nvidia_vulkan_icd(const std::vector<VulkanIcd>& icds) {
  return std::any_of(icds.begin(), icds.end(), [](const VulkanIcd& icd) {
    const std::string name = icd.path.substr(icd.path.rfind('/') + 1);
    return name.starts_with("nvidia_icd") && name.ends_with(".json");
  });
}

VulkanProbe probe_vulkan(const HostFs& fs) {
  if (!fs.rooted()) return probe_vulkan_in_child(3000);
  VulkanProbe probe;
  auto text = fs.read_text("/tailor-fixture/vulkan.json");
  if (!text) return probe;
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  auto devices = vulkan_devices_from_json(doc);
  if (!devices) {
    probe.problem = "tailor-fixture/vulkan.json: " + devices.error().message;
    return probe;
  }
  probe.loaded = true;
  probe.devices = std::move(*devices);
  return probe;
}

Result<std::vector<VulkanDevice>> vulkan_devices_from_json(const nlohmann::json& doc) {
  if (!doc.is_array()) return fail(ErrorKind::invalid_input, "expected an array of Vulkan devices");
  std::vector<VulkanDevice> devices;
  for (const auto& item : doc) {
    if (!item.is_object()) return fail(ErrorKind::invalid_input, "a Vulkan device must be an object");
    auto text = [&](const char* key) {
      auto it = item.find(key);
      return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    devices.push_back({text("name"), text("type"), text("vendor_id"), text("device_id"), text("api_version"),
                       text("driver_version")});
  }
  return devices;
}

std::string vulkan_fact_of(const VulkanProbe& probe) {
  if (!probe.loaded) return probe.problem.empty() ? "absent" : "loader-only";
  for (const VulkanDevice& device : probe.devices) {
    if (device.type != "cpu") return "usable";
  }
  return "loader-only";
}

std::string vulkan_fact_estimate(const VulkanFiles& files, const std::vector<GpuDevice>& devices, bool wsl2) {
  if (files.loader.empty()) return "absent";
  for (const VulkanIcd& icd : files.icds) {
    if (!icd.library_found) continue;
    std::string vendor = icd_vendor(icd);
    if (vendor == "dzn" && wsl2) return "usable";
    for (const GpuDevice& device : devices) {
      bool bound =
          device.vendor == vendor && (device.driver == "nvidia" || device.driver == "amdgpu" ||
                                      device.driver == "radeon" || device.driver == "i915" || device.driver == "xe");
      if (bound) return "usable";
    }
  }
  return "loader-only";
}

std::string vulkan_version_string(uint32_t packed) {
  return fmt::format("{}.{}.{}", (packed >> 22) & 0x7f, (packed >> 12) & 0x3ff, packed & 0xfff);
}

std::string vulkan_device_type(int type) {
  switch (type) {
  case 1: return "integrated";
  case 2: return "discrete";
  case 3: return "virtual";
  case 4: return "cpu";
  default: return "other";
  }
}

}  // namespace tailor::platform
