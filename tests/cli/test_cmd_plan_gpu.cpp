// GPU truth in planning, through the real binary and offline: the reasons the ladder gives in the
// short output, explicit backends blocked by a fact, gfx targets and HSA_OVERRIDE_GFX_VERSION,
// Vulkan on NVIDIA, GPUs present but not visible, backend preferences of vendor-selected recipes
// and `info`'s backends. Machines are fact flags and fixture trees (--sysroot).
#include <doctest/doctest.h>

#include <filesystem>

#include "support/process.hpp"
#include "support/scratch.hpp"
#include "support/sysroot.hpp"

using namespace tailor;

namespace {

const std::string k_registry = test::testdata("plan/recipes").string();

std::string facts(const std::string& name) { return test::testdata("plan/facts/" + name + ".json").string(); }
std::string llamalike_lock(const std::string& file) {
  return test::testdata("plan/golden/plans/llamalike/" + file).string();
}
std::string golden(const std::string& recipe, const std::string& file) {
  return test::testdata("../golden/plans/" + recipe + "/" + file).string();
}

// A clean environment: no visibility variable of the caller leaks into the facts.
test::RunOptions clean(std::map<std::string, std::string> env = {}) {
  test::RunOptions options;
  options.unset_env = {
      "CUDA_VISIBLE_DEVICES", "HSA_OVERRIDE_GFX_VERSION", "TAILOR_GPU",      "TAILOR_GFX",       "TAILOR_FACTS",
      "TAILOR_SYSROOT",       "TAILOR_BACKEND",           "VK_DRIVER_FILES", "VK_ICD_FILENAMES", "XDG_DATA_DIRS",
      "XDG_CONFIG_DIRS"};
  options.env = std::move(env);
  return options;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("plan: backend messages name the real cause") {
  SUBCASE("the short output has one line per better rung passed over") {
    auto r = test::run_tailor({"plan", "llamalike", "--registry", k_registry, "--facts", facts("nvidia-drv535"),
                               "--offline", "--pin-from", llamalike_lock("vb5000-linux-amd64-gpu-nvidia-drv569.json")},
                              clean());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.out,
              "backend: vulkan — best rung with a build for this machine\n  cuda: driver 535.183.01 is "
              "older than 570\n"));
    CHECK_FALSE(has(r.out, "cpu:"));  // not tried: below the chosen rung
  }
  SUBCASE("an explicit backend names the fact that blocks it, not backends an NVIDIA GPU cannot run") {
    auto r = test::run_tailor({"plan", "llamalike", "--registry", k_registry, "--facts", facts("nvidia-drv535"),
                               "--backend", "cuda", "--offline"},
                              clean());
    CHECK(r.exit_code == 6);
    CHECK(r.err ==
          "error: llamalike backend 'cuda' cannot be used on this machine: driver 535.183.01 is older than 570; "
          "nothing was downloaded\n");
    CHECK_FALSE(has(r.err, "rocm"));
    CHECK(r.out.empty());
  }
  SUBCASE("info lists only the backends this machine can run; the others are elsewhere") {
    auto root = test::make_sysroot("virtio-vm-debian").string();
    auto r = test::run_tailor({"info", "llama.cpp", "--sysroot", root}, clean());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.out, "  backends here: cpu\n"));
    CHECK(has(r.out, "  backends elsewhere: cuda, rocm, sycl, vulkan (not on this machine's GPU)\n"));
  }
}

TEST_CASE("plan: AMD gfx targets") {
  auto root = test::make_sysroot("virtio-vm-debian").string();
  SUBCASE("an RX 5700 (gfx1010) falls to Vulkan with the reason") {
    auto r =
        test::run_tailor({"plan", "llama.cpp", "--sysroot", root, "--gpu", "amd", "--gfx", "gfx1010", "--explain",
                          "--offline", "--pin-from", golden("llama.cpp", "vb11193-linux-amd64-gpu-amd-gfx900.json")},
                         clean());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.out,
              "  rocm: rejected (gfx1010 is not among the ROCm build's targets (gfx1030, gfx1100, gfx1101, gfx1102, "
              "gfx1150, gfx1151, gfx1200, gfx1201, gfx908, gfx90a, gfx942))\n"));
    CHECK(has(r.out, "  vulkan: chosen"));
  }
  SUBCASE("HSA_OVERRIDE_GFX_VERSION is honoured and reported by the plan and by detect") {
    auto env = clean({{"HSA_OVERRIDE_GFX_VERSION", "10.3.0"}});
    auto r = test::run_tailor({"plan", "llama.cpp", "--sysroot", root, "--gpu", "amd", "--gfx", "gfx1010", "--explain",
                               "--offline", "--pin-from", golden("llama.cpp", "vb11193-linux-amd64-gpu-amd.json")},
                              env);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.out,
              "  rocm: chosen (best rung with a build for this machine (gfx1030 from "
              "HSA_OVERRIDE_GFX_VERSION=10.3.0 (detected gfx1010) among the ROCm build's targets))\n"));
    auto d = test::run_tailor({"detect", "--sysroot", root, "--gpu", "amd", "--gfx", "gfx1010"}, env);
    REQUIRE(d.exit_code == 0);
    CHECK(has(d.out, "GFX targets:  gfx1010 (HSA_OVERRIDE_GFX_VERSION=10.3.0: ROCm sees gfx1030)\n"));
  }
  SUBCASE("a bad --gfx value is a usage error") {
    auto r = test::run_tailor({"plan", "llama.cpp", "--sysroot", root, "--gpu", "amd", "--gfx", "navi10", "--offline"},
                              clean());
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "'navi10' is not an AMD gfx target"));
  }
}

TEST_CASE("plan: the CUDA build an NVIDIA GPU can run, with its runtime companion") {
  auto root = test::make_sysroot("nvidia-consumer-intel-igpu").string();
  auto plan = [&](const std::string& driver, const std::string& compute, const std::string& lock) {
    return test::run_tailor({"plan", "llama.cpp", "--sysroot", root, "--gpu-driver", driver, "--gpu-compute", compute,
                             "--explain", "--offline", "--pin-from", golden("llama.cpp", lock)},
                            clean());
  };
  const std::string release = "https://github.com/ggml-org/llama.cpp/releases/download/b11193/";
  SUBCASE("an H100 (compute 9.0) with driver 590 gets the CUDA 13 build and the CUDA 13 runtime beside it") {
    auto r = plan("590.48.01", "9.0", "vb11193-linux-amd64-gpu-nvidia-drv580-cc7.5.json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.out,
              "backend: cuda — best rung with a build for this machine (compute capability 9.0 takes the cuda "
              "build for gpu_compute >=7.5, not the one for <7.5)\n"));
    CHECK(has(r.out, release + "llama-b11193-bin-ubuntu-cuda-13.4-x64.tar.gz"));
    CHECK(has(r.out, release + "cudart-llama-b11193-bin-ubuntu-cuda-13.4-x64.tar.gz"));
    CHECK(has(r.out, "  - nvidia-driver@"));
    CHECK_FALSE(has(r.out, "cuda-12.8"));
    CHECK_FALSE(has(r.out, "cuda-runtime"));  // the companion brings the runtime; nothing else to resolve
  }
  SUBCASE("a GTX 1080 (compute 6.1) with driver 580 keeps the CUDA 12.8 pair, which still supports it") {
    auto r = plan("580.65.06", "6.1", "vb11193-linux-amd64-gpu-nvidia-drv580-cc7.0.json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.out, "(compute capability 6.1 takes the cuda build for gpu_compute <7.5, not the one for >=7.5)"));
    CHECK(has(r.out, release + "llama-b11193-bin-ubuntu-cuda-12.8-x64.tar.gz"));
    CHECK(has(r.out, release + "cudart-llama-b11193-bin-ubuntu-cuda-12.8-x64.tar.gz"));
    CHECK_FALSE(has(r.out, "cuda-13"));
  }
}

TEST_CASE("plan: Vulkan on NVIDIA") {
  auto root = test::make_sysroot("nvidia-consumer-intel-igpu");
  SUBCASE("without NVIDIA's ICD the vulkan rung is rejected with the package that brings it") {
    auto r =
        test::run_tailor({"plan", "llamalike", "--registry", k_registry, "--sysroot", root.string(), "--gpu-driver",
                          "535.183.01", "--offline", "--pin-from", llamalike_lock("vb5000-linux-amd64-gpu-none.json")},
                         clean());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.out, "backend: cpu"));
    CHECK(has(r.out,
              "  vulkan: NVIDIA's Vulkan driver is not installed: no nvidia_icd.json among the Vulkan ICD "
              "manifests"));
  }
  SUBCASE("with it, Vulkan is planned without Mesa's drivers") {
    test::write_text(root / "usr/share/vulkan/icd.d/nvidia_icd.json",
                     R"({"file_format_version": "1.0.1", "ICD": {"library_path": "libGLX_nvidia.so.0"}})");
    auto r =
        test::run_tailor({"plan", "llama.cpp", "--sysroot", root.string(), "--gpu-driver", "535.183.01", "--offline",
                          "--pin-from", golden("llama.cpp", "vb11193-linux-amd64-gpu-nvidia-drv569.json")},
                         clean());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.out, "backend: vulkan"));
    CHECK(has(r.out, "- vulkan-loader@"));
    CHECK_FALSE(has(r.out, "mesa-vulkan-drivers"));
  }
}

TEST_CASE("plan: a GPU present but not visible") {
  auto root = test::make_sysroot("container-nvidia-no-nodes").string();
  const std::vector<std::string> args{
      "plan",      "llamalike",  "--registry",
      k_registry,  "--sysroot",  root,
      "--offline", "--pin-from", llamalike_lock("vb5000-linux-amd64-gpu-nvidia-drv570.json")};
  SUBCASE("warns with the likely fix") {
    auto r = test::run_tailor(args, clean());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.err, "is present but not visible to this process"));
    CHECK(has(r.err, "`--gpus all`"));
  }
  SUBCASE("--strict-gpu refuses, exit 6") {
    auto strict = args;
    strict.push_back("--strict-gpu");
    auto r = test::run_tailor(strict, clean());
    CHECK(r.exit_code == 6);
    CHECK(has(r.err, "(--strict-gpu); nothing was downloaded"));
    CHECK(r.out.empty());
  }
}

TEST_CASE("plan: backend preferences of recipes that choose by GPU vendor (like ollama)") {
  auto root = test::make_sysroot("virtio-vm-debian").string();
  auto dir = test::fresh_dir("vendorlike");
  auto step = [](const std::string& name, const std::string& when) {
    return "[[steps]]\naction = \"download_file\"\nurl = \"https://dl.example.org/" + name + "\"\ndest = \"" + name +
           "\"\nchecksum = \"" + std::string(64, 'a') + "\"\n" + when + "\n";
  };
  test::write_text(dir / "vendorlike.toml",
                   "[metadata]\nname = \"vendorlike\"\n\n[version]\nsource = \"github_releases\"\n"
                   "github_repo = \"example-org/vendorlike\"\n\n" +
                       step("main", "") + step("rocm-addon", "when = { gpu = [\"amd\"] }\n") +
                       "[verify]\ncommand = \"main --version\"\n");
  auto home = test::fresh_dir("home-vendorlike");
  auto with_backend = [&](const std::string& backend) {
    test::write_text(home / "config.toml", "[llm]\nbackend = \"" + backend + "\"\n");
    std::filesystem::permissions(home / "config.toml",
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return clean({{"TAILOR_HOME", home.string()}});
  };
  const std::vector<std::string> args{
      "plan", "--recipe", (dir / "vendorlike.toml").string(), "--version", "1.0", "--sysroot", root, "--gpu",
      "amd",  "--offline"};
  SUBCASE("llm.backend rocm is honoured on AMD: no error, the add-on planned") {
    auto r = test::run_tailor(args, with_backend("rocm"));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK_FALSE(has(r.err, "warning: llm.backend"));
    CHECK(has(r.out, "rocm-addon"));
  }
  SUBCASE("llm.backend cuda does not apply on AMD: a warning and the vendor's plan, never an error") {
    auto r = test::run_tailor(args, with_backend("cuda"));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.err, "warning: llm.backend cuda does not apply: vendorlike selects its builds by GPU vendor"));
    CHECK(has(r.out, "rocm-addon"));
  }
  SUBCASE("--backend cpu keeps the real GPU in the header and leaves the add-ons out") {
    auto cpu = args;
    cpu.insert(cpu.end(), {"--backend", "cpu"});
    auto r = test::run_tailor(cpu, with_backend("auto"));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(has(r.out, "vendorlike@1.0 for linux/amd64, gpu amd\n"));
    CHECK(has(r.out, "backend cpu: vendorlike is planned without its GPU add-ons (gpu amd unused)\n"));
    CHECK_FALSE(has(r.out, "rocm-addon"));
  }
}
