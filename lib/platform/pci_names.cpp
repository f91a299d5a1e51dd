#include "platform/pci_names.hpp"

#include <charconv>

#include <fmt/format.h>

namespace tailor::platform {
namespace {

std::optional<unsigned> parse_hex_id(const std::string& text) {
  std::string_view digits = text;
  if (digits.starts_with("0x")) digits.remove_prefix(2);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, 16);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

void fill_pci_names(std::vector<GpuDevice>& devices, const std::string& ids_path, std::vector<std::string>& warnings) {
  if (devices.empty()) return;  // no reason to load libpci and parse pci.ids
  PciNames names(ids_path);
  for (GpuDevice& device : devices) {
    auto vendor = parse_hex_id(device.vendor_id);
    auto id = parse_hex_id(device.device_id);
    if (!vendor) continue;
    device.vendor_name = names.vendor(*vendor);
    if (id) device.device_name = names.device(*vendor, *id);
    auto sub_vendor = parse_hex_id(device.subsystem_vendor_id);
    auto sub_device = parse_hex_id(device.subsystem_device_id);
    if (id && sub_vendor && sub_device) device.subsystem_name = names.subsystem(*vendor, *id, *sub_vendor, *sub_device);
  }
  if (!names.error().empty()) {
    warnings.push_back(fmt::format("PCI names unavailable: libpci could not read {}: {}",
                                   ids_path.empty() ? "its pci.ids database" : ids_path, names.error()));
  }
}

}  // namespace tailor::platform
