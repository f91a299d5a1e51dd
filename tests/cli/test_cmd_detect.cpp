#include <doctest/doctest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scratch.hpp"
#include "support/sysroot.hpp"

using namespace tailor;

namespace {

test::RunOptions clean_env() {
  test::RunOptions options;
  options.unset_env = {"CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES",
                       "GGML_VK_VISIBLE_DEVICES", "HSA_OVERRIDE_GFX_VERSION", "container", "LD_LIBRARY_PATH",
                       "VK_DRIVER_FILES", "VK_ICD_FILENAMES", "VK_ADD_DRIVER_FILES", "XDG_DATA_DIRS", "XDG_CONFIG_DIRS"};
  return options;
}

} // namespace

TEST_CASE("tailor detect") {
  auto root = test::make_sysroot("nvidia-consumer-intel-igpu").string();

  SUBCASE("--json prints exactly the golden facts document") {
    auto r = test::run_tailor({"detect", "--json", "--sysroot", root}, clean_env());
    CHECK(r.exit_code == 0);
    CHECK(r.out == test::read_text(test::testdata("facts/expected/nvidia-consumer-intel-igpu.json")));
    CHECK(r.err.empty());
  }
  SUBCASE("text summary for people") {
    auto r = test::run_tailor({"detect", "--sysroot", root}, clean_env());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("OS:           linux (Ubuntu 24.04, family debian)\n") != std::string::npos);
    CHECK(r.out.find("C library:    glibc 2.39\n") != std::string::npos);
    CHECK(r.out.find("GPU:          nvidia, driver 570.133.07 (proprietary kernel module), visible to this process\n") != std::string::npos);
    CHECK(r.out.find("  0000:01:00.0  [10de:2684]  vga, nvidia, driver nvidia 570.133.07, discrete, D0, visible, primary\n") !=
          std::string::npos);
    CHECK(r.out.find("Environment:  bare machine\n") != std::string::npos);
  }
  SUBCASE("--explain names sources, certainty and active overrides") {
    auto r = test::run_tailor({"detect", "--explain", "--sysroot", root, "--linux-family", "rhel"}, clean_env());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("gpu = \"nvidia\"\n  from: pci 0000:01:00.0 class 0x030000 vendor 0x10de\n  how sure: visible here\n") !=
          std::string::npos);
    CHECK(r.out.find("  driver bound: yes (nvidia 570.133.07)\n") != std::string::npos);
    CHECK(r.out.find("overrides:\n  libc from follows --linux-family\n  linux_family from --linux-family\n") !=
          std::string::npos);
  }
  SUBCASE("--json --explain keeps stdout a facts document and explains on stderr") {
    auto r = test::run_tailor({"detect", "--json", "--explain", "--sysroot", root}, clean_env());
    CHECK(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["gpu"] == "nvidia");
    CHECK(r.err.find("differences from tsuku: none") != std::string::npos);
  }
  SUBCASE("environment override and an invalid flag value") {
    auto options = clean_env();
    options.env["TAILOR_GPU"] = "amd";
    auto r = test::run_tailor({"detect", "--json", "--sysroot", root}, options);
    CHECK(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["gpu"] == "amd");
    CHECK(doc["overrides"]["gpu"] == "TAILOR_GPU");
    auto bad = test::run_tailor({"detect", "--sysroot", root, "--gpu", "matrox"}, clean_env());
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "error: invalid value \"matrox\" for --gpu: must be one of nvidia, amd, intel, apple, none\n");
  }
  SUBCASE("a saved document loads back with --facts on a different machine") {
    auto saved = test::run_tailor({"detect", "--json", "--sysroot", root}, clean_env());
    auto file = test::fresh_dir("facts") / "nvidia.json";
    test::write_text(file, saved.out);
    auto other = test::make_sysroot("virtio-vm-debian").string();
    auto r = test::run_tailor({"detect", "--json", "--sysroot", other, "--facts", file.string()}, clean_env());
    CHECK(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["gpu"] == "nvidia");
    CHECK(doc["gpu_devices"] == nlohmann::json::parse(saved.out)["gpu_devices"]);
    CHECK(doc["overrides"]["gpu"] == "facts file " + file.string());
  }
  SUBCASE("unknown distro warns on stderr and still succeeds") {
    auto nixos = test::make_sysroot("passthrough-nixos").string();
    auto r = test::run_tailor({"detect", "--explain", "--sysroot", nixos}, clean_env());
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning: distribution \"nixos\" (ID_LIKE: none) is not one of the supported families") !=
          std::string::npos);
    CHECK(r.out.find("gpu: tsuku would report \"nvidia\"; tailor skips devices bound to vfio-pci/pci-stub") !=
          std::string::npos);
  }
  SUBCASE("detect never loads the download and archive libraries") {
    // libcurl, libarchive and libcrypto are opened on first use (issue 2's start-up budget);
    // glibc's loader lists every library it maps when LD_DEBUG=libs.
    auto options = clean_env();
    options.env["LD_DEBUG"] = "libs";
    auto r = test::run_tailor({"detect", "--json", "--sysroot", root}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("libstdc++") != std::string::npos);  // the trace is really there
    CHECK(r.err.find("libcurl") == std::string::npos);
    CHECK(r.err.find("libarchive") == std::string::npos);
    CHECK(r.err.find("libcrypto") == std::string::npos);
  }
  SUBCASE("an unsupported userland architecture is a start-up error") {
    auto arm = test::fresh_dir("arm32");
    test::write_fake_elf(arm / "bin/sh", 40, 32, "/lib/ld-linux-armhf.so.3");
    auto r = test::run_tailor({"detect", "--sysroot", arm.string()}, clean_env());
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("unsupported architecture: arm") != std::string::npos);
  }
}

TEST_CASE("smoke detect on the real machine" * doctest::skip(std::getenv("TAILOR_SMOKE") == nullptr)) {
  auto r = test::run_tailor({"detect", "--json"});
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["os"] == "linux");
  CHECK((doc["arch"] == "amd64" || doc["arch"] == "arm64"));
  CHECK((doc["libc"] == "glibc" || doc["libc"] == "musl"));
}
