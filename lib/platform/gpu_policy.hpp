#pragma once
// The `gpu` fact and the multi-GPU policy (docs/detection.md, "GPU policy"), plus tsuku's baseline rule (same section)
// so that `detect --explain` can show where the two differ.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/facts.hpp"

namespace tailor::platform {

// Display class 0x0300/0x0302/0x0380, vendor nvidia/amd/intel, not bound to vfio-pci/pci-stub.
bool is_eligible(const GpuDevice& device);

// Whether the device's compute-capable kernel driver is bound (nvidia, amdgpu, i915/xe).
bool has_compute_driver(const GpuDevice& device);

// Best vendor among eligible devices (nvidia > amd > intel); "" when none is eligible.
std::string best_vendor(const std::vector<GpuDevice>& devices);

// Index of the primary device among eligible devices of `vendor`, first difference decides:
// compute driver, larger VRAM, boot_vga 0 before 1, class 0x0302 > 0x0300 > 0x0380, lowest BDF.
std::optional<size_t> choose_primary(const std::vector<GpuDevice>& devices, std::string_view vendor);

// tsuku's value: only classes 0x0300/0x0302 and the three vendors, nvidia > amd > intel.
std::string tsuku_gpu(const std::vector<GpuDevice>& devices);

}  // namespace tailor::platform
