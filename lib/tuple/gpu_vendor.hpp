#pragma once
// The GPU vendors tailor names (docs/detection.md, "GPU policy"), one row each: the name used
// in facts, `when.gpu` and plans, the backend of the vendor's own compute stack, and whether
// the PCI scan finds it. Detection, the backend ladder, `when` matching, recipe checks and
// golden targets read this table; nothing else lists the vendors.
#include <array>
#include <optional>
#include <string_view>

#include "tuple/values.hpp"

namespace tailor::tuple {

enum class GpuVendor { nvidia, amd, intel, apple, none };

struct GpuVendorDef {
  GpuVendor vendor;
  std::string_view name;           // "nvidia"
  std::optional<Backend> backend;  // its own stack's backend (cuda); none for `none`
  bool pci;                        // found by the PCI scan, eligible as the primary GPU, has a Vulkan rung
};

// In the order detection prefers them (nvidia > amd > intel), then apple and none.
inline constexpr std::array<GpuVendorDef, 5> k_gpu_vendors{{
    {GpuVendor::nvidia, "nvidia", Backend::cuda, true},
    {GpuVendor::amd, "amd", Backend::rocm, true},
    {GpuVendor::intel, "intel", Backend::sycl, true},
    {GpuVendor::apple, "apple", Backend::metal, false},
    {GpuVendor::none, "none", std::nullopt, false},
}};
static_assert(
    [] {
      for (std::size_t i = 0; i < k_gpu_vendors.size(); ++i) {
        if (k_gpu_vendors[i].vendor != static_cast<GpuVendor>(i)) return false;
      }
      return true;
    }(),
    "k_gpu_vendors is in GpuVendor order");

// The names alone, in the table's order: the `gpu` fact's allowed values.
inline constexpr std::array<std::string_view, k_gpu_vendors.size()> k_gpu_vendor_names = [] {
  std::array<std::string_view, k_gpu_vendors.size()> names{};
  for (std::size_t i = 0; i < k_gpu_vendors.size(); ++i) names[i] = k_gpu_vendors[i].name;
  return names;
}();

// The row named `name`; nullptr when `name` is no vendor ("" and "matrox" included).
constexpr const GpuVendorDef* find_gpu_vendor(std::string_view name) {
  for (const GpuVendorDef& def : k_gpu_vendors) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

constexpr const GpuVendorDef& gpu_vendor_def(GpuVendor vendor) {
  return k_gpu_vendors.at(static_cast<std::size_t>(vendor));
}
constexpr std::string_view gpu_vendor_name(GpuVendor vendor) { return gpu_vendor_def(vendor).name; }
constexpr std::string_view name(GpuVendor vendor) { return gpu_vendor_name(vendor); }

// The vendor `text` names; nullopt for "" and anything not in the table.
constexpr std::optional<GpuVendor> parse_gpu_vendor(std::string_view text) {
  const GpuVendorDef* def = find_gpu_vendor(text);
  return def != nullptr ? std::optional<GpuVendor>(def->vendor) : std::nullopt;
}

// Whether `name` is a vendor the PCI scan finds: nvidia, amd or intel.
constexpr bool is_pci_gpu_vendor(std::string_view name) {
  const GpuVendorDef* def = find_gpu_vendor(name);
  return def != nullptr && def->pci;
}

// The vendor whose own stack `backend` is ("cuda" -> nvidia); nullopt for vulkan, cpu and the rest.
constexpr std::optional<GpuVendor> vendor_of_backend(std::string_view backend) {
  const std::optional<Backend> parsed = parse_backend(backend);
  for (const GpuVendorDef& def : k_gpu_vendors) {
    if (parsed && def.backend == parsed) return def.vendor;
  }
  return std::nullopt;
}

}  // namespace tailor::tuple
