#pragma once
// Environment markers (WSL, containers, Jetson), the kernel release and device-node visibility (docs/detection.md,
// "What is read, and from where"). Device nodes are only stat()ed and access()ed, never opened.
#include <string>
#include <string_view>
#include <vector>

#include "platform/facts.hpp"
#include "platform/host_fs.hpp"

namespace tailor::platform {

struct Markers {
  std::string kernel;
  bool wsl = false;          // kernel release names Microsoft
  bool wsl2 = false;         // WSL and /dev/dxg
  bool wsl_libcuda = false;  // /usr/lib/wsl/lib/libcuda.so.1
  std::string container;     // "", docker, podman, other
  std::string container_source;
  std::string jetson;         // "", jetpack5, jetpack6, l4t-<rel>
  std::string tegra_release;  // first line of /etc/nv_tegra_release
};

// Kernel release from /proc/sys/kernel/osrelease, else /proc/version, else uname (not
// under a testing root).
Markers read_markers(const HostFs& fs, const std::string& arch);

// "Linux version 6.1.0-18-amd64 (debian-kernel@...) ..." -> "6.1.0-18-amd64"; "" if malformed.
std::string kernel_of_proc_version(std::string_view text);

// "# R36 (release), REVISION: 4.0" -> jetpack6; R35 -> jetpack5; R32 ... -> l4t-32.7.1; "" if malformed.
std::string jetson_of_tegra_release(std::string_view first_line);

struct Visibility {
  bool visible = false;
  std::vector<std::string> missing;  // nodes that do not exist
  std::vector<std::string> denied;   // nodes that exist but fail access(R_OK|W_OK)
};

// Whether this process can use `device` (its vendor's runtime nodes).
Visibility pci_device_visibility(const HostFs& fs, const GpuDevice& device);
// NVIDIA without a PCI device: WSL2 (/dev/dxg) or Jetson (nvhost/nvgpu nodes).
Visibility wsl_visibility(const HostFs& fs);
Visibility jetson_visibility(const HostFs& fs);

}  // namespace tailor::platform
