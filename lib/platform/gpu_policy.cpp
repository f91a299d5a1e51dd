#include "platform/gpu_policy.hpp"

#include <tuple>

#include "tuple/gpu_vendor.hpp"

namespace tailor::platform {
namespace {

int class_rank(std::string_view class_code) {
  if (class_code.starts_with("0x0302")) return 0;
  if (class_code.starts_with("0x0300")) return 1;
  return 2;
}

}  // namespace

bool is_eligible(const GpuDevice& device) {
  bool display_class = device.class_code.starts_with("0x0300") || device.class_code.starts_with("0x0302") ||
                       device.class_code.starts_with("0x0380");
  bool gpu_vendor = tuple::is_pci_gpu_vendor(device.vendor);
  bool passthrough = device.driver == "vfio-pci" || device.driver == "pci-stub";
  return display_class && gpu_vendor && !passthrough;
}

bool has_compute_driver(const GpuDevice& device) {
  if (device.vendor == "nvidia") return device.driver == "nvidia";
  if (device.vendor == "amd") return device.driver == "amdgpu";
  if (device.vendor == "intel") return device.driver == "i915" || device.driver == "xe";
  return false;
}

std::string best_vendor(const std::vector<GpuDevice>& devices) {
  for (const tuple::GpuVendorDef& vendor : tuple::k_gpu_vendors) {
    if (!vendor.pci) continue;
    for (const GpuDevice& device : devices) {
      if (device.vendor == vendor.name && is_eligible(device)) return std::string(vendor.name);
    }
  }
  return "";
}

std::optional<size_t> choose_primary(const std::vector<GpuDevice>& devices, std::string_view vendor) {
  std::optional<size_t> best;
  // Sort key where smaller is better; VRAM only decides when both sides know it.
  auto better = [&](const GpuDevice& a, const GpuDevice& b) {
    bool da = has_compute_driver(a), db = has_compute_driver(b);
    if (da != db) return da;
    if (a.vram_bytes && b.vram_bytes && *a.vram_bytes != *b.vram_bytes) return *a.vram_bytes > *b.vram_bytes;
    bool ba = a.boot_vga.value_or(false), bb = b.boot_vga.value_or(false);
    if (ba != bb) return !ba;
    int ca = class_rank(a.class_code), cb = class_rank(b.class_code);
    if (ca != cb) return ca < cb;
    return a.bdf < b.bdf;
  };
  for (size_t i = 0; i < devices.size(); ++i) {
    const GpuDevice& device = devices[i];
    if (device.vendor != vendor || !is_eligible(device)) continue;
    if (!best || better(device, devices[*best])) best = i;
  }
  return best;
}

std::string tsuku_gpu(const std::vector<GpuDevice>& devices) {
  for (const tuple::GpuVendorDef& vendor : tuple::k_gpu_vendors) {
    if (!vendor.pci) continue;
    for (const GpuDevice& device : devices) {
      bool counted = device.class_code.starts_with("0x0300") || device.class_code.starts_with("0x0302");
      if (counted && device.vendor == vendor.name) return std::string(vendor.name);
    }
  }
  return "none";
}

}  // namespace tailor::platform
