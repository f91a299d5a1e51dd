#include <doctest/doctest.h>

#include "platform/drivers.hpp"
#include "platform/markers.hpp"
#include "support/scratch.hpp"

using namespace tailor;

TEST_CASE("decode_gfx_target") {
  const std::pair<uint64_t, const char*> rows[] = {
      {90006, "gfx906"},   {90010, "gfx90a"},   {90402, "gfx942"},   {100300, "gfx1030"},
      {100306, "gfx1036"}, {110000, "gfx1100"}, {120001, "gfx1201"}, {0, ""}};
  for (const auto& [version, name] : rows) {
    CAPTURE(version);
    CHECK(platform::decode_gfx_target(version) == name);
  }
}

TEST_CASE("parse_kfd_properties") {
  auto node = platform::parse_kfd_properties(
      "cpu_cores_count 0\ngfx_target_version 110000\ndrm_render_minor 128\ndomain 0\nlocation_id 3584\nbad line here\n"
      "vendor_id notanumber\n");
  CHECK(node.gfx_target_version == 110000);
  CHECK(node.drm_render_minor == 128);
  CHECK(platform::kfd_bdf(node) == "0000:0e:00.0");
  CHECK_FALSE(platform::parse_kfd_properties("gfx_target_version 0\n").drm_render_minor.has_value());
  platform::KfdNode function{90402, std::nullopt, 1, (0xc1 << 8) | (3 << 3) | 1};
  CHECK(platform::kfd_bdf(function) == "0001:c1:03.1");
}

TEST_CASE("parse_nvidia_proc_version") {
  SUBCASE("proprietary module") {
    auto v = platform::parse_nvidia_proc_version(
        "NVRM version: NVIDIA UNIX x86_64 Kernel Module  570.133.07  Fri Feb 28 09:42:07 UTC 2025\nGCC version: "
        "13.3\n");
    REQUIRE(v);
    CHECK(v->version == "570.133.07");
    CHECK_FALSE(v->open_module);
  }
  SUBCASE("open module; the first dotted numeric token wins, not x86_64") {
    auto v = platform::parse_nvidia_proc_version(
        "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  575.57.08  Release Build  (dvs-builder@U16)  Sat May "
        "24\n");
    REQUIRE(v);
    CHECK(v->version == "575.57.08");
    CHECK(v->open_module);
  }
  SUBCASE("no version token or no NVRM line") {
    CHECK_FALSE(platform::parse_nvidia_proc_version("NVRM version: NVIDIA UNIX Kernel Module\n"));
    CHECK_FALSE(platform::parse_nvidia_proc_version("GCC version: 13.3.0\n"));
    CHECK_FALSE(platform::parse_nvidia_proc_version(""));
  }
}

TEST_CASE("read_nvidia_driver") {
  auto root = test::fresh_dir("nvidia-driver");
  platform::HostFs fs(root.string());
  SUBCASE("nothing loaded") { CHECK(platform::read_nvidia_driver(fs).version.empty()); }
  SUBCASE("/sys/module wins over /proc and a disagreement warns") {
    test::write_text(root / "sys/module/nvidia/version", "570.133.07\n");
    test::write_text(root / "proc/driver/nvidia/version",
                     "NVRM version: NVIDIA UNIX x86_64 Kernel Module  570.124.04  x\n");
    auto driver = platform::read_nvidia_driver(fs);
    CHECK(driver.version == "570.133.07");
    CHECK(driver.source == "/sys/module/nvidia/version");
    CHECK(driver.flavor == "proprietary");
    CHECK(driver.warning.find("570.124.04") != std::string::npos);
  }
}

TEST_CASE("jetson_of_tegra_release") {
  CHECK(platform::jetson_of_tegra_release("# R36 (release), REVISION: 4.0, GCID: 1") == "jetpack6");
  CHECK(platform::jetson_of_tegra_release("# R35 (release), REVISION: 5.0") == "jetpack5");
  CHECK(platform::jetson_of_tegra_release("# R32 (release), REVISION: 7.1") == "l4t-32.7.1");
  CHECK(platform::jetson_of_tegra_release("garbage").empty());
}

TEST_CASE("read_nvidia_user_space") {
  auto root = test::fresh_dir("nvidia-user-space");
  platform::HostFs fs(root.string());
  SUBCASE("no library") { CHECK(platform::read_nvidia_user_space(fs).version.empty()); }
  SUBCASE("the soname link alone says nothing; the versioned file does") {
    test::write_text(root / "usr/lib/x86_64-linux-gnu/libcuda.so.1", "");
    CHECK(platform::read_nvidia_user_space(fs).version.empty());
    test::write_text(root / "usr/lib64/libnvidia-ml.so.575.51.02", "");
    auto found = platform::read_nvidia_user_space(fs);
    CHECK(found.version == "575.51.02");
    CHECK(found.file == "/usr/lib64/libnvidia-ml.so.575.51.02");
  }
}

TEST_CASE("nvidia_mismatch_warning") {
  platform::NvidiaDriver kernel{"570.133.07", "proprietary", "/sys/module/nvidia/version", ""};
  CHECK(platform::nvidia_mismatch_warning(kernel, {"570.133.07", "/usr/lib64/libcuda.so.570.133.07"}).empty());
  CHECK(platform::nvidia_mismatch_warning(kernel, {}).empty());
  CHECK(platform::nvidia_mismatch_warning({}, {"575.51.02", "/usr/lib64/libcuda.so.575.51.02"}).empty());
  std::string warning = platform::nvidia_mismatch_warning(kernel, {"575.51.02", "/usr/lib64/libcuda.so.575.51.02"});
  CHECK(warning.find("kernel module is 570.133.07 (/sys/module/nvidia/version)") != std::string::npos);
  CHECK(warning.find("user-space driver is 575.51.02 (/usr/lib64/libcuda.so.575.51.02)") != std::string::npos);
}
