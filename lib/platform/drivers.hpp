#pragma once
// Kernel driver facts per vendor (docs/detection.md, "What is read, and from where"): NVIDIA module version and
// flavour, amdgpu DKMS version, and the KFD topology that names each AMD device's gfx target.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/host_fs.hpp"

namespace tailor::platform {

struct NvidiaProcVersion {
  std::string version;  // "570.133.07"
  bool open_module = false;
  bool operator==(const NvidiaProcVersion&) const = default;
};

// The NVRM line of /proc/driver/nvidia/version; nullopt when it has no version token.
std::optional<NvidiaProcVersion> parse_nvidia_proc_version(std::string_view text);

struct NvidiaDriver {
  std::string version;  // "" when no NVIDIA kernel module is loaded
  std::string flavor;   // open, proprietary, "" when unknown
  std::string source;   // file the version came from
  std::string warning;  // /sys/module and /proc disagree
};

NvidiaDriver read_nvidia_driver(const HostFs& fs);

// NVIDIA's user-space driver as its libraries name it: libcuda.so.<version> or
// libnvidia-ml.so.<version> in the library directories (docs/detection.md, "What is read, and from where").
struct NvidiaUserSpace {
  std::string version;  // "570.133.07"; "" when no versioned library is found
  std::string file;     // the library that says so
};
NvidiaUserSpace read_nvidia_user_space(const HostFs& fs);

// The warning when the loaded kernel module and the user-space driver differ (after a driver
// upgrade without a reboot CUDA fails with "driver/library version mismatch"); "" when they agree
// or either is unknown.
std::string nvidia_mismatch_warning(const NvidiaDriver& kernel, const NvidiaUserSpace& user_space);

// /sys/module/amdgpu/version (DKMS driver only), "" otherwise.
std::string read_amdgpu_version(const HostFs& fs);

struct KfdNode {
  uint64_t gfx_target_version = 0;
  std::optional<uint64_t> drm_render_minor;
  uint64_t domain = 0;
  uint64_t location_id = 0;
  bool operator==(const KfdNode&) const = default;
};

// `key value` lines of a KFD node's properties file; unknown keys and bad lines are ignored.
KfdNode parse_kfd_properties(std::string_view text);

// GPU nodes (gfx_target_version != 0) of /sys/class/kfd/kfd/topology/nodes.
std::vector<KfdNode> read_kfd_nodes(const HostFs& fs);

// 110000 -> "gfx1100", 90010 -> "gfx90a"; "" for 0.
std::string decode_gfx_target(uint64_t version);

// "dddd:bb:dd.f" of a node's domain + location_id.
std::string kfd_bdf(const KfdNode& node);

}  // namespace tailor::platform
