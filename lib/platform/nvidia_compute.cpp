// The compute capability table. Sources, both public: NVIDIA's list of CUDA GPUs and their
// compute capabilities (https://developer.nvidia.com/cuda-gpus) for the capability of each
// product, and the PCI ID Repository (https://pci-ids.ucw.cz, vendor 10de) for its device id.
// Only ids that both name the same product are listed; a device missing here has an unknown
// capability (docs/detection.md, "Compute capability"). Add a row per id, keep them sorted.
#include "platform/nvidia_compute.hpp"

#include <algorithm>
#include <array>

#include "util/strings.hpp"

namespace tailor::platform {
namespace {

constexpr std::array<NvidiaComputeEntry, 93> k_table{{
    {"1380", "5.0", "GeForce GTX 750 Ti"},
    {"1381", "5.0", "GeForce GTX 750"},
    {"13c0", "5.2", "GeForce GTX 980"},
    {"13c2", "5.2", "GeForce GTX 970"},
    {"13f2", "5.2", "Tesla M60"},
    {"1401", "5.2", "GeForce GTX 960"},
    {"1402", "5.2", "GeForce GTX 950"},
    {"15f7", "6.0", "Tesla P100 PCIe 12GB"},
    {"15f8", "6.0", "Tesla P100 PCIe 16GB"},
    {"15f9", "6.0", "Tesla P100 SXM2 16GB"},
    {"17c2", "5.2", "GeForce GTX TITAN X"},
    {"17c8", "5.2", "GeForce GTX 980 Ti"},
    {"17fd", "5.2", "Tesla M40"},
    {"1b00", "6.1", "TITAN X (Pascal)"},
    {"1b02", "6.1", "TITAN Xp"},
    {"1b06", "6.1", "GeForce GTX 1080 Ti"},
    {"1b38", "6.1", "Tesla P40"},
    {"1b80", "6.1", "GeForce GTX 1080"},
    {"1b81", "6.1", "GeForce GTX 1070"},
    {"1b82", "6.1", "GeForce GTX 1070 Ti"},
    {"1bb3", "6.1", "Tesla P4"},
    {"1c02", "6.1", "GeForce GTX 1060 3GB"},
    {"1c03", "6.1", "GeForce GTX 1060 6GB"},
    {"1c81", "6.1", "GeForce GTX 1050"},
    {"1c82", "6.1", "GeForce GTX 1050 Ti"},
    {"1d01", "6.1", "GeForce GT 1030"},
    {"1d81", "7.0", "TITAN V"},
    {"1db1", "7.0", "Tesla V100 SXM2 16GB"},
    {"1db4", "7.0", "Tesla V100 PCIe 16GB"},
    {"1db5", "7.0", "Tesla V100 SXM2 32GB"},
    {"1db6", "7.0", "Tesla V100 PCIe 32GB"},
    {"1df6", "7.0", "Tesla V100S PCIe 32GB"},
    {"1e02", "7.5", "TITAN RTX"},
    {"1e04", "7.5", "GeForce RTX 2080 Ti"},
    {"1e07", "7.5", "GeForce RTX 2080 Ti Rev. A"},
    {"1e30", "7.5", "Quadro RTX 6000/8000"},
    {"1e81", "7.5", "GeForce RTX 2080 SUPER"},
    {"1e82", "7.5", "GeForce RTX 2080"},
    {"1e84", "7.5", "GeForce RTX 2070 SUPER"},
    {"1e87", "7.5", "GeForce RTX 2080 Rev. A"},
    {"1eb8", "7.5", "Tesla T4"},
    {"1f02", "7.5", "GeForce RTX 2070"},
    {"1f06", "7.5", "GeForce RTX 2060 SUPER"},
    {"1f07", "7.5", "GeForce RTX 2070 Rev. A"},
    {"1f08", "7.5", "GeForce RTX 2060 Rev. A"},
    {"1f82", "7.5", "GeForce GTX 1650"},
    {"20b0", "8.0", "A100 SXM4 40GB"},
    {"20b2", "8.0", "A100 SXM4 80GB"},
    {"20b5", "8.0", "A100 PCIe 80GB"},
    {"20b7", "8.0", "A30"},
    {"20f1", "8.0", "A100 PCIe 40GB"},
    {"2182", "7.5", "GeForce GTX 1660 Ti"},
    {"2184", "7.5", "GeForce GTX 1660"},
    {"21c4", "7.5", "GeForce GTX 1660 SUPER"},
    {"2203", "8.6", "GeForce RTX 3090 Ti"},
    {"2204", "8.6", "GeForce RTX 3090"},
    {"2206", "8.6", "GeForce RTX 3080"},
    {"2208", "8.6", "GeForce RTX 3080 Ti"},
    {"220a", "8.6", "GeForce RTX 3080 12GB"},
    {"2216", "8.6", "GeForce RTX 3080 LHR"},
    {"2230", "8.6", "RTX A6000"},
    {"2231", "8.6", "RTX A5000"},
    {"2235", "8.6", "A40"},
    {"2236", "8.6", "A10"},
    {"2321", "9.0", "H100 NVL"},
    {"2330", "9.0", "H100 SXM5 80GB"},
    {"2331", "9.0", "H100 PCIe"},
    {"2335", "9.0", "H200 SXM 141GB"},
    {"233b", "9.0", "H200 NVL"},
    {"2482", "8.6", "GeForce RTX 3070 Ti"},
    {"2484", "8.6", "GeForce RTX 3070"},
    {"2486", "8.6", "GeForce RTX 3060 Ti"},
    {"2488", "8.6", "GeForce RTX 3070 LHR"},
    {"2489", "8.6", "GeForce RTX 3060 Ti LHR"},
    {"24b0", "8.6", "RTX A4000"},
    {"2503", "8.6", "GeForce RTX 3060"},
    {"2504", "8.6", "GeForce RTX 3060 LHR"},
    {"2507", "8.6", "GeForce RTX 3050"},
    {"2684", "8.9", "GeForce RTX 4090"},
    {"26b1", "8.9", "RTX 6000 Ada Generation"},
    {"26b5", "8.9", "L40"},
    {"26b9", "8.9", "L40S"},
    {"2704", "8.9", "GeForce RTX 4080"},
    {"2782", "8.9", "GeForce RTX 4070 Ti"},
    {"2786", "8.9", "GeForce RTX 4070"},
    {"27b8", "8.9", "L4"},
    {"2803", "8.9", "GeForce RTX 4060 Ti"},
    {"2901", "10.0", "B200"},
    {"2b85", "12.0", "GeForce RTX 5090"},
    {"2c02", "12.0", "GeForce RTX 5080"},
    {"2c05", "12.0", "GeForce RTX 5070 Ti"},
    {"2d04", "12.0", "GeForce RTX 5060 Ti"},
    {"2f04", "12.0", "GeForce RTX 5070"},
}};

static_assert(std::is_sorted(k_table.begin(), k_table.end(),
                             [](const NvidiaComputeEntry& a, const NvidiaComputeEntry& b) {
                               return a.device_id < b.device_id;
                             }));

}  // namespace

std::string nvidia_compute_capability(std::string_view device_id) {
  std::string id = util::to_lower(device_id);
  if (id.starts_with("0x")) id.erase(0, 2);
  auto it =
      std::lower_bound(k_table.begin(), k_table.end(), id,
                       [](const NvidiaComputeEntry& entry, const std::string& key) { return entry.device_id < key; });
  return it != k_table.end() && it->device_id == id ? std::string(it->compute) : "";
}

std::span<const NvidiaComputeEntry> nvidia_compute_table() { return k_table; }

}  // namespace tailor::platform
