#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scratch.hpp"
#include "support/sysroot.hpp"

using namespace tailor;

namespace {

test::RunOptions clean_env() {
  test::RunOptions options;
  options.unset_env = {"CUDA_VISIBLE_DEVICES",
                       "NVIDIA_VISIBLE_DEVICES",
                       "ROCR_VISIBLE_DEVICES",
                       "HIP_VISIBLE_DEVICES",
                       "GGML_VK_VISIBLE_DEVICES",
                       "HSA_OVERRIDE_GFX_VERSION",
                       "container",
                       "LD_LIBRARY_PATH",
                       "VK_DRIVER_FILES",
                       "VK_ICD_FILENAMES",
                       "VK_ADD_DRIVER_FILES",
                       "XDG_DATA_DIRS",
                       "XDG_CONFIG_DIRS"};
  return options;
}

}  // namespace

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
    CHECK(
        r.out.find("GPU:          nvidia, driver 570.133.07 (proprietary kernel module), visible to this process\n") !=
        std::string::npos);
    CHECK(r.out.find(
              "  0000:01:00.0  [10de:2684]  vga, nvidia, driver nvidia 570.133.07, compute 8.9, discrete, D0, visible, "
              "primary\n") != std::string::npos);
    CHECK(r.out.find("Environment:  bare machine\n") != std::string::npos);
  }
  SUBCASE("--explain names sources, certainty and active overrides") {
    auto r = test::run_tailor({"detect", "--explain", "--sysroot", root, "--linux-family", "rhel"}, clean_env());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(
              "gpu = \"nvidia\"\n  from: pci 0000:01:00.0 class 0x030000 vendor 0x10de\n  how sure: visible here\n") !=
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
    CHECK(bad.err == "error: unknown GPU vendor 'matrox'; --gpu takes one of nvidia, amd, intel, apple, none\n");
    auto typo = test::run_tailor({"detect", "--sysroot", root, "--gpu", "nvdia"}, clean_env());
    CHECK(typo.exit_code == 2);
    CHECK(typo.err ==
          "error: unknown GPU vendor 'nvdia' (did you mean 'nvidia'?); --gpu takes one of nvidia, amd, intel, apple, "
          "none\n");
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
    CHECK(r.err.find("libc.so.6") != std::string::npos);  // the trace is really there
    CHECK(r.err.find("libcurl") == std::string::npos);
    CHECK(r.err.find("libarchive") == std::string::npos);
    CHECK(r.err.find("libcrypto") == std::string::npos);
  }
  SUBCASE("a tree without /bin/sh still detects, with inferred arch and libc") {
    auto distroless = test::make_sysroot("distroless-glibc").string();
    auto r = test::run_tailor({"detect", "--explain", "--sysroot", distroless}, clean_env());
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning: no readable /bin/sh (cannot open): arch arm64 and libc glibc are inferred") !=
          std::string::npos);
    CHECK(r.out.find("arch = \"arm64\"\n  from: loader name /lib/aarch64-linux-gnu/ld-linux-aarch64.so.1") !=
          std::string::npos);
    CHECK(r.out.find("libc = \"glibc\"\n  from: /lib/aarch64-linux-gnu/ld-linux-aarch64.so.1 (no readable "
                     "/bin/sh)\n  how sure: inferred\n") != std::string::npos);
    auto json = test::run_tailor({"detect", "--json", "--sysroot", distroless}, clean_env());
    CHECK(json.exit_code == 0);
    CHECK(json.out.find("\"level\": \"inferred\"") != std::string::npos);
  }
  SUBCASE("an unsupported userland architecture is a start-up error") {
    auto arm = test::fresh_dir("arm32");
    test::write_fake_elf(arm / "bin/sh", 40, 32, "/lib/ld-linux-armhf.so.3");
    auto r = test::run_tailor({"detect", "--sysroot", arm.string()}, clean_env());
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("unsupported architecture: arm") != std::string::npos);
  }
}

TEST_CASE("tailor detect: Tier 1 cache") {
  namespace fs = std::filesystem;
  // An AMD dGPU machine with a loader; its Vulkan fixture reports one discrete device.
  fs::path root = test::make_sysroot("vulkan-loader-only");
  test::write_text(root / "tailor-fixture/vulkan.json",
                   R"json([{"name": "AMD Radeon RX 7900 XTX (RADV NAVI31)", "type": "discrete", "vendor_id": "0x1002",
                        "device_id": "0x744c", "api_version": "1.3.287", "driver_version": "24.2.8"}])json");
  auto options = clean_env();
  fs::path home = test::fresh_dir("home-tier1");
  options.env["TAILOR_HOME"] = home.string();
  const fs::path cache_file = home / "cache/detect/tier1.json";
  const std::string sysroot = root.string();

  SUBCASE("--probe vulkan stores the enumeration; later runs show it as cached") {
    auto probed = test::run_tailor({"detect", "--json", "--probe", "vulkan", "--sysroot", sysroot}, options);
    REQUIRE_MESSAGE(probed.exit_code == 0, probed.err);
    CHECK(nlohmann::json::parse(probed.out)["vulkan"] == "usable");
    REQUIRE(fs::exists(cache_file));
    CHECK((fs::status(cache_file.parent_path()).permissions() & fs::perms::all) == fs::perms::owner_all);

    // The fixture changes but nothing in the cache key does: the cached answer stands.
    test::write_text(root / "tailor-fixture/vulkan.json", "[]");
    auto explained = test::run_tailor({"detect", "--explain", "--sysroot", sysroot}, options);
    REQUIRE_MESSAGE(explained.exit_code == 0, explained.err);
    CHECK(explained.out.find("vulkan = \"usable\"\n  from: cached Vulkan enumeration of 1 device(s)\n") !=
          std::string::npos);
    CHECK(explained.out.find("  cached: Vulkan enumeration from 20") != std::string::npos);
    CHECK(explained.out.find("  AMD Radeon RX 7900 XTX (RADV NAVI31) (discrete, Vulkan 1.3.287)\n") !=
          std::string::npos);
    auto json = test::run_tailor({"detect", "--json", "--sysroot", sysroot}, options);
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["vulkan"] == "usable");
    CHECK_FALSE(doc.contains("deep"));
    CHECK(json.out.find("cached Vulkan enumeration of 1 device(s)") != std::string::npos);

    SUBCASE("--probe vulkan bypasses and refreshes it") {
      auto again = test::run_tailor({"detect", "--json", "--probe", "vulkan", "--sysroot", sysroot}, options);
      CHECK(nlohmann::json::parse(again.out)["vulkan"] == "loader-only");
      auto after = test::run_tailor({"detect", "--explain", "--sysroot", sysroot}, options);
      CHECK(after.out.find("vulkan = \"loader-only\"\n  from: cached Vulkan enumeration of 0 device(s)\n") !=
            std::string::npos);
    }
    SUBCASE("cache clear --detect forgets it") {
      auto size = fs::file_size(cache_file);
      auto cleared = test::run_tailor({"cache", "clear", "--detect"}, options);
      CHECK(cleared.exit_code == 0);
      CHECK(cleared.err == "cleared detect cache: 1 entry, " + std::to_string(size) + " B\n");
      CHECK_FALSE(fs::exists(cache_file));
      auto after = test::run_tailor({"detect", "--explain", "--sysroot", sysroot}, options);
      CHECK(after.out.find("  cached: ") == std::string::npos);
      CHECK(after.out.find("not enumerated (use --probe vulkan)") != std::string::npos);
    }
  }
  SUBCASE("planning a recipe with a vulkan backend enumerates unless an override gives the fact") {
    const std::string registry = test::testdata("plan/recipes").string();
    const std::string lock = test::testdata("plan/golden/plans/llamalike/vb5000-linux-amd64-gpu-amd.json").string();
    auto given = test::run_tailor({"eval", "llamalike", "--registry", registry, "--sysroot", sysroot, "--vulkan",
                                   "usable", "--offline", "--pin-from", lock},
                                  options);
    REQUIRE_MESSAGE(given.exit_code == 0, given.err);
    CHECK_FALSE(fs::exists(cache_file));
    auto cpu = test::run_tailor(
        {"eval", "llamalike", "--registry", registry, "--sysroot", sysroot, "--backend", "cpu", "--offline",
         "--pin-from", test::testdata("plan/golden/plans/llamalike/vb5000-linux-amd64-gpu-none.json").string()},
        options);
    REQUIRE_MESSAGE(cpu.exit_code == 0, cpu.err);
    CHECK_FALSE(fs::exists(cache_file));  // an explicit backend never reads the vulkan fact
    auto no_gpu =
        test::run_tailor({"eval", "llamalike", "--registry", registry, "--sysroot",
                          test::make_sysroot("virtio-vm-debian").string(), "--offline", "--pin-from",
                          test::testdata("plan/golden/plans/llamalike/vb5000-linux-amd64-gpu-none.json").string()},
                         options);
    REQUIRE_MESSAGE(no_gpu.exit_code == 0, no_gpu.err);
    CHECK_FALSE(fs::exists(cache_file));  // the ladder of gpu none is just cpu
    test::run_tailor({"eval", "hello", "--registry", registry, "--sysroot", sysroot, "--offline"}, options);
    CHECK_FALSE(fs::exists(cache_file));  // no vulkan step, whatever the outcome of the plan
    auto planned = test::run_tailor(
        {"eval", "llamalike", "--registry", registry, "--sysroot", sysroot, "--offline", "--pin-from", lock}, options);
    REQUIRE_MESSAGE(planned.exit_code == 0, planned.err);
    REQUIRE(fs::exists(cache_file));
    CHECK(test::read_text(cache_file).find("AMD Radeon RX 7900 XTX (RADV NAVI31)") != std::string::npos);
  }
}

TEST_CASE("tailor detect --probe deep") {
  namespace fs = std::filesystem;
  auto root = test::make_sysroot("nvidia-consumer-intel-igpu").string();
  fs::path bin = test::fresh_dir("deep-tools");
  auto tool = [&](const std::string& name, const std::string& body) {
    test::write_text(bin / name, "#!/bin/sh\n" + body);
    fs::permissions(bin / name, fs::perms::owner_all);
  };
  tool("nvidia-smi", "echo 'NVIDIA-SMI 570.133.07   Driver Version: 570.133.07'\necho '| 0  GeForce RTX 4090 |'\n");
  tool("rocminfo", "echo never run without an AMD device\n");
  auto options = clean_env();
  options.env["TAILOR_HOME"] = test::fresh_dir("home-deep").string();
  options.env["PATH"] = bin.string();  // only the fakes: no real vulkaninfo

  SUBCASE("the JSON gains a deep key, nothing else changes") {
    auto r = test::run_tailor({"detect", "--json", "--probe", "deep", "--sysroot", root}, options);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc["deep"].size() == 3);
    CHECK(doc["deep"][0] ==
          nlohmann::json::parse(R"({"tool": "nvidia-smi", "command": "nvidia-smi", "status": "ok", "exit_code": 0,
        "output": "NVIDIA-SMI 570.133.07   Driver Version: 570.133.07\n| 0  GeForce RTX 4090 |\n"})"));
    CHECK(doc["deep"][1] == nlohmann::json::parse(R"({"tool": "vulkaninfo", "command": "vulkaninfo --summary",
        "status": "not found on PATH", "exit_code": null, "output": ""})"));
    CHECK(doc["deep"][2]["status"] == "skipped: no AMD device");
    auto plain = test::run_tailor({"detect", "--json", "--sysroot", root}, options);
    CHECK_FALSE(nlohmann::json::parse(plain.out).contains("deep"));
    doc.erase("deep");
    auto without = nlohmann::json::parse(plain.out);
    CHECK(doc["gpu_devices"] == without["gpu_devices"]);
    CHECK(doc["gpu"] == without["gpu"]);
  }
  SUBCASE("--explain prints what each tool said") {
    auto r = test::run_tailor({"detect", "--explain", "--probe", "deep", "--sysroot", root}, options);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("deep (--probe deep):\n"
                     "  nvidia-smi: ok\n"
                     "    | NVIDIA-SMI 570.133.07   Driver Version: 570.133.07\n"
                     "    | | 0  GeForce RTX 4090 |\n"
                     "  vulkaninfo --summary: not found on PATH\n"
                     "  rocminfo: skipped: no AMD device\n") != std::string::npos);
    CHECK(r.out.find("Deep probes:  nvidia-smi ok; vulkaninfo not found on PATH; rocminfo skipped: no AMD device") !=
          std::string::npos);
  }
  SUBCASE("without --probe deep no tool runs") {
    tool("nvidia-smi", "touch " + (bin / "ran").string() + "\n");
    auto r = test::run_tailor({"detect", "--explain", "--probe", "vulkan", "--sysroot", root}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("deep (--probe deep)") == std::string::npos);
    CHECK_FALSE(fs::exists(bin / "ran"));
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
