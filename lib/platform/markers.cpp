#include "platform/markers.hpp"

#include <sys/utsname.h>
#include <regex>

#include "config/environment.hpp"
#include "util/strings.hpp"

namespace tailor::platform {
namespace {

void check_node(const HostFs& fs, const std::string& node, Visibility& out) {
  if (!fs.exists(node))
    out.missing.push_back(node);
  else if (!fs.read_write_ok(node))
    out.denied.push_back(node);
}

bool is_nvidia_minor(std::string_view name) {
  if (!name.starts_with("nvidia") || name.size() == 6) return false;
  for (char c : name.substr(6)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string jetson_of_tegra_release(std::string_view first_line) {
  static const std::regex k_pattern(R"(^#\s*R(\d+)\s*\(release\),\s*REVISION:\s*([0-9.]+))");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_search(first_line.begin(), first_line.end(), match, k_pattern)) return "";
  std::string major = match[1].str();
  if (major == "35") return "jetpack5";
  if (major == "36") return "jetpack6";
  return "l4t-" + major + "." + match[2].str();
}

std::string kernel_of_proc_version(std::string_view text) {
  // "Linux version <release> (<builder>) ..." (the kernel's linux_proc_banner).
  std::vector<std::string> words = util::split_whitespace(text.substr(0, text.find('\n')));
  if (words.size() < 3 || words[1] != "version") return "";
  return words[2];
}

Markers read_markers(const HostFs& fs, const std::string& arch) {
  Markers markers;
  if (auto release = fs.read_small("/proc/sys/kernel/osrelease", 256)) {
    markers.kernel = std::string(util::trim(*release));
  } else if (auto version = fs.read_small("/proc/version", 1024)) {
    markers.kernel = kernel_of_proc_version(*version);
  }
  if (markers.kernel.empty() && !fs.rooted()) {
    utsname name{};
    if (::uname(&name) == 0) markers.kernel = name.release;
  }
  markers.wsl = util::to_lower(markers.kernel).find("microsoft") != std::string::npos;
  markers.wsl2 = markers.wsl && fs.exists("/dev/dxg");
  markers.wsl_libcuda = markers.wsl2 && fs.exists("/usr/lib/wsl/lib/libcuda.so.1");

  if (fs.exists("/.dockerenv")) {
    markers.container = "docker";
    markers.container_source = "/.dockerenv";
  } else if (fs.exists("/run/.containerenv")) {
    markers.container = "podman";
    markers.container_source = "/run/.containerenv";
  } else if (auto env = config::env_value(config::EnvVar::container); env && !env->empty()) {
    markers.container = "other";
    markers.container_source = fmt::format("environment container={}", *env);
  }

  if (arch == "arm64") {
    if (auto text = fs.read_small("/etc/nv_tegra_release", 512)) {
      std::string_view first = *text;
      first = first.substr(0, first.find('\n'));
      markers.tegra_release = std::string(util::trim(first));
      markers.jetson = jetson_of_tegra_release(markers.tegra_release);
    }
  }
  return markers;
}

Visibility pci_device_visibility(const HostFs& fs, const GpuDevice& device) {
  Visibility out;
  if (device.vendor == "nvidia") {
    check_node(fs, "/dev/nvidiactl", out);
    bool minor = false;
    for (const std::string& name : fs.list_dir("/dev")) {
      if (is_nvidia_minor(name)) {
        minor = true;
        if (!fs.read_write_ok("/dev/" + name)) out.denied.push_back("/dev/" + name);
        break;
      }
    }
    if (!minor) out.missing.push_back("/dev/nvidia<N>");
  } else if (device.vendor == "amd") {
    check_node(fs, "/dev/kfd", out);
    if (!device.render_node.empty()) check_node(fs, device.render_node, out);
  } else if (!device.render_node.empty()) {
    check_node(fs, device.render_node, out);
  } else {
    out.missing.push_back("/dev/dri/renderD<N>");
  }
  out.visible = out.missing.empty() && out.denied.empty();
  return out;
}

Visibility wsl_visibility(const HostFs& fs) {
  Visibility out;
  check_node(fs, "/dev/dxg", out);
  out.visible = out.missing.empty() && out.denied.empty();
  return out;
}

Visibility jetson_visibility(const HostFs& fs) {
  // The spec's nodes are /dev/nvhost-* or /dev/nvgpu/*; images without them still reach the
  // integrated GPU, so a Jetson is assumed visible either way and only a denied node counts.
  Visibility out;
  for (const std::string& name : fs.list_dir("/dev")) {
    if (name.starts_with("nvhost-") && !fs.read_write_ok("/dev/" + name)) out.denied.push_back("/dev/" + name);
  }
  out.visible = out.denied.empty();
  return out;
}

}  // namespace tailor::platform
