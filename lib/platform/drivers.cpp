#include "platform/drivers.hpp"

#include <charconv>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace tailor::platform {
namespace {

bool is_version_token(std::string_view token) {
  bool dot = false;
  for (char c : token) {
    if (c == '.')
      dot = true;
    else if (c < '0' || c > '9')
      return false;
  }
  return dot && !token.empty();
}

}  // namespace

std::optional<NvidiaProcVersion> parse_nvidia_proc_version(std::string_view text) {
  for (const std::string& line : util::split(text, '\n')) {
    if (line.find("NVRM version:") == std::string::npos) continue;
    for (const std::string& token : util::split_whitespace(line)) {
      if (is_version_token(token)) {
        return NvidiaProcVersion{token, line.find("Open Kernel Module") != std::string::npos};
      }
    }
    return std::nullopt;
  }
  return std::nullopt;
}

NvidiaDriver read_nvidia_driver(const HostFs& fs) {
  NvidiaDriver driver;
  // /sys/module first: container runtimes mask /proc/driver/nvidia with a tmpfs, not this.
  if (auto text = fs.read_small("/sys/module/nvidia/version")) {
    std::string version(util::trim(*text));
    if (is_version_token(version)) {
      driver.version = version;
      driver.source = "/sys/module/nvidia/version";
    }
  }
  if (auto text = fs.read_text("/proc/driver/nvidia/version", 4096)) {
    if (auto proc = parse_nvidia_proc_version(*text)) {
      driver.flavor = proc->open_module ? "open" : "proprietary";
      if (driver.version.empty()) {
        driver.version = proc->version;
        driver.source = "/proc/driver/nvidia/version";
      } else if (driver.version != proc->version) {
        driver.warning = fmt::format(
            "NVIDIA driver versions disagree: /sys/module/nvidia/version says {}, "
            "/proc/driver/nvidia/version says {}; using {}",
            driver.version, proc->version, driver.version);
      }
    }
  }
  return driver;
}

NvidiaUserSpace read_nvidia_user_space(const HostFs& fs) {
  // Where distributions and NVIDIA's .run installer put the libraries.
  for (std::string_view dir : {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"}) {
    for (const std::string& name : fs.list_dir(dir)) {
      for (std::string_view prefix : {"libcuda.so.", "libnvidia-ml.so."}) {
        if (!name.starts_with(prefix)) continue;
        std::string_view version = std::string_view(name).substr(prefix.size());
        // libcuda.so.1 is the soname link; the file carries the full driver version.
        if (is_version_token(version)) return {std::string(version), fmt::format("{}/{}", dir, name)};
      }
    }
  }
  return {};
}

std::string nvidia_mismatch_warning(const NvidiaDriver& kernel, const NvidiaUserSpace& user_space) {
  if (kernel.version.empty() || user_space.version.empty() || kernel.version == user_space.version) return "";
  return fmt::format(
      "the NVIDIA kernel module is {} ({}) but the user-space driver is {} ({}); CUDA fails with \"driver/library "
      "version mismatch\" until they match: reboot after a driver upgrade, or install the user-space package of the "
      "loaded module",
      kernel.version, kernel.source, user_space.version, user_space.file);
}

std::string read_amdgpu_version(const HostFs& fs) {
  auto text = fs.read_small("/sys/module/amdgpu/version");
  return text ? std::string(util::trim(*text)) : "";
}

KfdNode parse_kfd_properties(std::string_view text) {
  KfdNode node;
  for (const std::string& line : util::split(text, '\n')) {
    auto parts = util::split_whitespace(line);
    if (parts.size() != 2) continue;
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), value);
    if (ec != std::errc() || end != parts[1].data() + parts[1].size()) continue;
    if (parts[0] == "gfx_target_version")
      node.gfx_target_version = value;
    else if (parts[0] == "drm_render_minor")
      node.drm_render_minor = value;
    else if (parts[0] == "domain")
      node.domain = value;
    else if (parts[0] == "location_id")
      node.location_id = value;
  }
  return node;
}

std::vector<KfdNode> read_kfd_nodes(const HostFs& fs) {
  std::vector<KfdNode> nodes;
  constexpr std::string_view k_base = "/sys/class/kfd/kfd/topology/nodes/";
  for (const std::string& name : fs.list_dir(k_base.substr(0, k_base.size() - 1))) {
    auto text = fs.read_text(fmt::format("{}{}/properties", k_base, name), std::size_t{16} * 1024);
    if (!text) continue;
    KfdNode node = parse_kfd_properties(*text);
    if (node.gfx_target_version != 0) nodes.push_back(node);
  }
  return nodes;
}

std::string decode_gfx_target(uint64_t version) {
  if (version == 0) return "";
  return fmt::format("gfx{}{:x}{:x}", version / 10000, (version / 100) % 100, version % 100);
}

std::string kfd_bdf(const KfdNode& node) {
  return fmt::format("{:04x}:{:02x}:{:02x}.{:x}", node.domain, node.location_id >> 8, (node.location_id >> 3) & 0x1f,
                     node.location_id & 7);
}

}  // namespace tailor::platform
