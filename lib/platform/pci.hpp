#pragma once
// Display-class and accelerator PCI functions from sysfs attributes only (docs/detection.md, "What is read, and from
// where"). Only the cached attributes of the allowlist are read; PCI configuration space is never touched.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/facts.hpp"
#include "platform/host_fs.hpp"

namespace tailor::platform {

struct PciScan {
  bool tree_present = false;              // /sys/bus/pci/devices exists
  std::vector<GpuDevice> gpus;            // class 0x03xx, sorted by BDF
  std::vector<Accelerator> accelerators;  // class 0x12xx
};

PciScan scan_pci(const HostFs& fs);

// Reads one allowlisted attribute of a device, trimmed, hex ids lowercased; nullopt when
// missing. Asking for a name outside the allowlist is a bug and throws std::logic_error.
std::optional<std::string> read_pci_attribute(const HostFs& fs, std::string_view bdf, std::string_view name);

// nvidia, amd, intel or other for a vendor id ("0x10de").
std::string vendor_of(std::string_view vendor_id);

// vga, xga, 3d, display or other for a class code ("0x030200").
std::string kind_of(std::string_view class_code);

}  // namespace tailor::platform
