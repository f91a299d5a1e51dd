// Tier 1 Vulkan enumeration in a forked child: a crashing or hanging ICD cannot take tailor
// down, and whatever the loader loads dies with the child.
#include "platform/vulkan.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <cstdlib>

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include "util/process.hpp"

namespace tailor::platform {
namespace {

std::string hex4(uint32_t value) { return fmt::format("0x{:04x}", value); }

std::string driver_version_string(uint32_t vendor, uint32_t raw) {
  if (vendor == 0x10de) {
    return fmt::format("{}.{}.{}.{}", (raw >> 22) & 0x3ff, (raw >> 14) & 0xff, (raw >> 6) & 0xff, raw & 0x3f);
  }
  return vulkan_version_string(raw);
}

// Runs in the child: everything goes through vkGetInstanceProcAddr, as the loader intends.
nlohmann::json enumerate() {
  void* loader = ::dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
  if (loader == nullptr) return {{"loaded", false}, {"error", "libvulkan.so.1 not loadable"}};
  auto get_proc = reinterpret_cast<PFN_vkGetInstanceProcAddr>(::dlsym(loader, "vkGetInstanceProcAddr"));
  if (get_proc == nullptr) return {{"loaded", false}, {"error", "vkGetInstanceProcAddr missing"}};
  auto enum_version = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(get_proc(nullptr, "vkEnumerateInstanceVersion"));
  auto create = reinterpret_cast<PFN_vkCreateInstance>(get_proc(nullptr, "vkCreateInstance"));
  if (create == nullptr) return {{"loaded", false}, {"error", "vkCreateInstance missing"}};
  uint32_t instance_version = VK_API_VERSION_1_0;
  if (enum_version != nullptr && enum_version(&instance_version) != VK_SUCCESS) instance_version = VK_API_VERSION_1_0;

  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = "tailor";
  app.apiVersion = instance_version >= VK_API_VERSION_1_1 ? VK_API_VERSION_1_1 : VK_API_VERSION_1_0;
  VkInstanceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  info.pApplicationInfo = &app;
  VkInstance instance = VK_NULL_HANDLE;
  VkResult created = create(&info, nullptr, &instance);
  nlohmann::json out{{"loaded", true},
                     {"instance_version", vulkan_version_string(instance_version)},
                     {"devices", nlohmann::json::array()}};
  if (created != VK_SUCCESS) {
    out["error"] = fmt::format("vkCreateInstance returned {}", static_cast<int>(created));
    return out;
  }
  auto enum_devices =
      reinterpret_cast<PFN_vkEnumeratePhysicalDevices>(get_proc(instance, "vkEnumeratePhysicalDevices"));
  auto properties =
      reinterpret_cast<PFN_vkGetPhysicalDeviceProperties>(get_proc(instance, "vkGetPhysicalDeviceProperties"));
  auto destroy = reinterpret_cast<PFN_vkDestroyInstance>(get_proc(instance, "vkDestroyInstance"));
  uint32_t count = 0;
  if (enum_devices != nullptr && properties != nullptr && enum_devices(instance, &count, nullptr) == VK_SUCCESS) {
    std::vector<VkPhysicalDevice> devices(count);
    if (enum_devices(instance, &count, devices.data()) >= VK_SUCCESS) {
      devices.resize(count);
      for (VkPhysicalDevice device : devices) {
        VkPhysicalDeviceProperties props{};
        properties(device, &props);
        out["devices"].push_back({{"name", props.deviceName},
                                  {"type", vulkan_device_type(static_cast<int>(props.deviceType))},
                                  {"vendor_id", hex4(props.vendorID)},
                                  {"device_id", hex4(props.deviceID)},
                                  {"api_version", vulkan_version_string(props.apiVersion)},
                                  {"driver_version", driver_version_string(props.vendorID, props.driverVersion)}});
      }
    }
  }
  if (destroy != nullptr) destroy(instance, nullptr);
  return out;
}

// The child's work: its own output goes nowhere, its answer into `answer_fd`.
void child_main(int answer_fd) {
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDOUT_FILENO);  // ICDs print banners (lavapipe warns on stderr)
    ::dup2(null_fd, STDERR_FILENO);
  }
  ::setenv("VK_LOADER_LAYERS_DISABLE", "~implicit~", 1);
  std::string text = enumerate().dump();
  size_t done = 0;
  while (done < text.size()) {
    ssize_t wrote = ::write(answer_fd, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) break;
    done += static_cast<size_t>(wrote);
  }
}

}  // namespace

VulkanProbe probe_vulkan_in_child(int timeout_ms) {
  VulkanProbe probe;
  util::ProcessOptions options;
  options.timeout = std::chrono::milliseconds(timeout_ms);
  options.own_process_group = false;  // a copy of this process that runs no programs: the child alone is killed
  auto run = util::run_in_child(child_main, options);
  if (!run) {
    probe.problem = fmt::format("cannot start the Vulkan probe: {}", run.error().message);
    return probe;
  }
  if (run->timed_out) {
    probe.problem = fmt::format("the Vulkan probe did not finish within {} ms", timeout_ms);
    return probe;
  }
  if (run->signal != 0) {
    probe.problem = fmt::format("the Vulkan probe crashed (signal {})", run->signal);
    return probe;
  }
  const std::string& text = run->output;
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) {
    probe.problem = "the Vulkan probe returned no result";
    return probe;
  }
  probe.loaded = doc.value("loaded", false);
  if (!probe.loaded) return probe;
  if (doc.contains("error")) probe.problem = doc["error"].get<std::string>();
  if (auto devices = vulkan_devices_from_json(doc.value("devices", nlohmann::json::array()))) {
    probe.devices = std::move(*devices);
  }
  return probe;
}

}  // namespace tailor::platform
