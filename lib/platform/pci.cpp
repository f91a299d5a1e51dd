#include "platform/pci.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

#include "util/strings.hpp"

namespace tailor::platform {
namespace {

constexpr std::string_view k_devices = "/sys/bus/pci/devices/";

// The only device attributes tailor reads: all are cached by the kernel and never wake the
// device (mem_info_vram_total is the one amdgpu attribute that is safe the same way).
constexpr std::array<std::string_view, 10> k_allowed{
    "class",    "vendor",   "device",      "subsystem_vendor",     "subsystem_device",
    "revision", "boot_vga", "power_state", "power/runtime_status", "mem_info_vram_total"};

std::string basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::optional<uint64_t> parse_decimal(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value;
}

std::optional<bool> integrated_of(const GpuDevice& device) {
  if (device.vendor == "intel")
    return device.bdf.size() >= 7 && device.bdf.substr(5, 2) == "00" ? std::optional(true) : std::nullopt;
  if (device.vendor == "amd" && device.vram_bytes) return *device.vram_bytes < (uint64_t{2} << 30);
  if (device.vendor == "nvidia") return false;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> read_pci_attribute(const HostFs& fs, std::string_view bdf, std::string_view name) {
  if (std::find(k_allowed.begin(), k_allowed.end(), name) == k_allowed.end()) {
    throw std::logic_error("sysfs attribute outside the allowlist: " + std::string(name));
  }
  std::string path(k_devices);
  path.append(bdf).append("/").append(name);
  auto raw = fs.read_small(path, 64);
  if (!raw) return std::nullopt;
  std::string value(util::trim(*raw));
  if (value.starts_with("0x") || value.starts_with("0X")) value = util::to_lower(value);  // hex ids only
  return value;
}

std::string vendor_of(std::string_view vendor_id) {
  if (vendor_id == "0x10de") return "nvidia";
  if (vendor_id == "0x1002") return "amd";
  if (vendor_id == "0x8086") return "intel";
  return "other";
}

std::string kind_of(std::string_view class_code) {
  std::string_view prefix = class_code.substr(0, 6);
  if (prefix == "0x0300") return "vga";
  if (prefix == "0x0301") return "xga";
  if (prefix == "0x0302") return "3d";
  if (prefix == "0x0380") return "display";
  return "other";
}

PciScan scan_pci(const HostFs& fs) {
  PciScan scan;
  std::string root(k_devices.substr(0, k_devices.size() - 1));
  scan.tree_present = fs.is_dir(root);
  for (const std::string& bdf : fs.list_dir(root)) {
    auto class_code = read_pci_attribute(fs, bdf, "class");
    if (!class_code || class_code->size() < 6) continue;  // vanished or unreadable
    bool display = class_code->starts_with("0x03");
    bool accelerator = class_code->starts_with("0x12");
    if (!display && !accelerator) continue;
    std::string dir = std::string(k_devices) + bdf;
    std::string driver;
    if (auto link = fs.read_link(dir + "/driver")) driver = basename_of(*link);
    if (accelerator) {
      scan.accelerators.push_back({bdf, *class_code, read_pci_attribute(fs, bdf, "vendor").value_or(""),
                                   read_pci_attribute(fs, bdf, "device").value_or(""), driver});
      continue;
    }
    GpuDevice device;
    device.bdf = bdf;
    device.class_code = *class_code;
    device.kind = kind_of(device.class_code);
    device.vendor_id = read_pci_attribute(fs, bdf, "vendor").value_or("");
    device.vendor = vendor_of(device.vendor_id);
    device.device_id = read_pci_attribute(fs, bdf, "device").value_or("");
    device.subsystem_vendor_id = read_pci_attribute(fs, bdf, "subsystem_vendor").value_or("");
    device.subsystem_device_id = read_pci_attribute(fs, bdf, "subsystem_device").value_or("");
    device.revision = read_pci_attribute(fs, bdf, "revision").value_or("");
    if (device.kind == "vga") {
      if (auto boot = read_pci_attribute(fs, bdf, "boot_vga")) {
        if (*boot == "1" || *boot == "0") device.boot_vga = *boot == "1";
      }
    }
    device.driver = driver;
    device.power_state = read_pci_attribute(fs, bdf, "power_state").value_or("");
    device.runtime_status = read_pci_attribute(fs, bdf, "power/runtime_status").value_or("");
    for (const std::string& entry : fs.list_dir(dir + "/drm")) {
      if (entry.starts_with("renderD"))
        device.render_node = "/dev/dri/" + entry;
      else if (entry.starts_with("card") && device.drm_card.empty())
        device.drm_card = "/dev/dri/" + entry;
    }
    if (driver == "amdgpu") device.vram_bytes = parse_decimal(read_pci_attribute(fs, bdf, "mem_info_vram_total"));
    device.integrated = integrated_of(device);
    scan.gpus.push_back(std::move(device));
  }
  return scan;
}

}  // namespace tailor::platform
