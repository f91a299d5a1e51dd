#include <doctest/doctest.h>

#include <dlfcn.h>
#include <cstdlib>

#include "platform/vulkan.hpp"
#include "support/scratch.hpp"

using namespace tailor;

namespace {

bool loader_installed() {
  void* handle = ::dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return false;
  ::dlclose(handle);
  return true;
}

}  // namespace

TEST_CASE("probe_vulkan_in_child with the real loader") {
  if (!loader_installed()) {
    MESSAGE("libvulkan.so.1 is not installed: the real-loader enumeration is not exercised here");
    return;
  }
  // Mesa's lavapipe (mesa-vulkan-drivers) is the software device every CI machine has.
  ::unsetenv("VK_DRIVER_FILES");
  ::unsetenv("VK_ICD_FILENAMES");
  platform::VulkanProbe probe = platform::probe_vulkan_in_child(3000);
  CAPTURE(probe.problem);
  REQUIRE(probe.loaded);
  bool cpu = false;
  bool gpu = false;
  for (const auto& device : probe.devices) {
    CAPTURE(device.name);
    if (device.type == "cpu") {
      cpu = true;
      CHECK(device.api_version.starts_with("1."));
      CHECK(device.name.find("llvmpipe") != std::string::npos);
    } else {
      gpu = true;
    }
  }
  CHECK(cpu);
  CHECK(platform::vulkan_fact_of(probe) == (gpu ? "usable" : "loader-only"));
}

TEST_CASE("find_vulkan_files") {
  auto root = test::fresh_dir("vulkan-files");
  platform::HostFs fs(root.string());
  ::unsetenv("VK_DRIVER_FILES");
  ::unsetenv("VK_ICD_FILENAMES");
  ::unsetenv("VK_ADD_DRIVER_FILES");
  ::unsetenv("XDG_DATA_DIRS");
  ::unsetenv("XDG_CONFIG_DIRS");
  ::unsetenv("LD_LIBRARY_PATH");
  SUBCASE("nothing installed") {
    auto files = platform::find_vulkan_files(fs, "amd64");
    CHECK(files.loader.empty());
    CHECK(files.icds.empty());
  }
  SUBCASE("loader from ld.so.conf.d, manifests from /etc and /usr/share, VK_ADD_DRIVER_FILES appended") {
    test::write_text(root / "etc/ld.so.conf.d/vendor.conf", "# vendor libs\n/opt/vendor/lib\n");
    test::write_text(root / "opt/vendor/lib/libvulkan.so.1", "");
    test::write_text(root / "etc/vulkan/icd.d/nvidia_icd.json", R"({"ICD": {"library_path": "libGLX_nvidia.so.0"}})");
    test::write_text(root / "usr/share/vulkan/icd.d/radeon_icd.x86_64.json", "not json");
    test::write_text(root / "extra/dzn_icd.json", R"({"ICD": {"library_path": "/usr/lib/libvulkan_dzn.so"}})");
    test::write_text(root / "usr/lib/libvulkan_dzn.so", "");
    ::setenv("VK_ADD_DRIVER_FILES", "/extra/dzn_icd.json", 1);
    auto files = platform::find_vulkan_files(fs, "amd64");
    ::unsetenv("VK_ADD_DRIVER_FILES");
    CHECK(files.loader == "/opt/vendor/lib/libvulkan.so.1");
    REQUIRE(files.icds.size() == 3);
    CHECK(files.icds[0] == platform::VulkanIcd{"/etc/vulkan/icd.d/nvidia_icd.json", "libGLX_nvidia.so.0", false});
    CHECK(files.icds[1] == platform::VulkanIcd{"/usr/share/vulkan/icd.d/radeon_icd.x86_64.json", "", false});
    CHECK(files.icds[2].path == "/extra/dzn_icd.json");
    CHECK(files.icds[2].library_found);
    // The NVIDIA manifest names a library that is not installed: no `usable` estimate from it.
    platform::GpuDevice nvidia;
    nvidia.vendor = "nvidia";
    nvidia.driver = "nvidia";
    CHECK(platform::vulkan_fact_estimate(files, {nvidia}, false) == "loader-only");
    CHECK(platform::vulkan_fact_estimate(files, {nvidia}, true) == "usable");  // dzn on WSL2
    test::write_text(root / "usr/lib/libGLX_nvidia.so.0", "");
    CHECK(platform::vulkan_fact_estimate(platform::find_vulkan_files(fs, "amd64"), {nvidia}, false) == "usable");
  }
  SUBCASE("VK_DRIVER_FILES replaces the search") {
    test::write_text(root / "etc/vulkan/icd.d/nvidia_icd.json", "{}");
    test::write_text(root / "mine/lvp.json", "{}");
    ::setenv("VK_DRIVER_FILES", "/mine", 1);
    auto files = platform::find_vulkan_files(fs, "amd64");
    ::unsetenv("VK_DRIVER_FILES");
    REQUIRE(files.icds.size() == 1);
    CHECK(files.icds[0].path == "/mine/lvp.json");
  }
}

TEST_CASE("vulkan_fact_of") {
  platform::VulkanProbe probe;
  CHECK(platform::vulkan_fact_of(probe) == "absent");
  probe.problem = "the Vulkan probe did not finish within 3000 ms";
  CHECK(platform::vulkan_fact_of(probe) == "loader-only");
  probe = {};
  probe.loaded = true;
  CHECK(platform::vulkan_fact_of(probe) == "loader-only");
  probe.devices.push_back({"llvmpipe", "cpu", "0x10005", "0x0000", "1.3.255", ""});
  CHECK(platform::vulkan_fact_of(probe) == "loader-only");
  probe.devices.push_back({"RTX", "discrete", "0x10de", "0x2684", "1.4.303", ""});
  CHECK(platform::vulkan_fact_of(probe) == "usable");
}

TEST_CASE("vulkan_version_string") {
  CHECK(platform::vulkan_version_string((1u << 22) | (3u << 12) | 239u) == "1.3.239");
  CHECK(platform::vulkan_version_string((1u << 22) | (4u << 12) | 303u) == "1.4.303");
  CHECK(platform::vulkan_device_type(4) == "cpu");
  CHECK(platform::vulkan_device_type(2) == "discrete");
  CHECK(platform::vulkan_device_type(9) == "other");
}
