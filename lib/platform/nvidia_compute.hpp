#pragma once
// CUDA compute capability of NVIDIA GPUs by PCI device id (docs/detection.md, "Compute
// capability"): a compiled table, Maxwell (5.x) through Blackwell (10.0, 12.0).
#include <span>
#include <string>
#include <string_view>

namespace tailor::platform {

struct NvidiaComputeEntry {
  std::string_view device_id;  // PCI device id, lowercase hex without 0x: "1b80"
  std::string_view compute;    // "6.1"
  std::string_view name;       // marketing name, for tests and reviewers
};

// The compute capability of NVIDIA device `device_id` ("0x1b80" or "1b80", any case); "" when
// the device is not in the table.
std::string nvidia_compute_capability(std::string_view device_id);

// The whole table, sorted by device id.
std::span<const NvidiaComputeEntry> nvidia_compute_table();

}  // namespace tailor::platform
