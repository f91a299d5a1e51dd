#include <doctest/doctest.h>

#include <cstdlib>

#include "platform/detect.hpp"
#include "support/scratch.hpp"
#include "support/sysroot.hpp"
#include "util/canonical_json.hpp"

using namespace tailor;
using platform::DetectRequest;
using platform::Facts;

namespace {

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : m_name(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(m_name); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* m_name;
};

DetectRequest on(const std::string& scenario) {
  for (const char* name :
       {"CUDA_VISIBLE_DEVICES", "container", "LD_LIBRARY_PATH", "VK_DRIVER_FILES", "XDG_DATA_DIRS"}) {
    ::unsetenv(name);
  }
  DetectRequest request;
  request.sysroot = test::make_sysroot(scenario).string();
  return request;
}

std::string error_of(const DetectRequest& request) {
  auto facts = platform::resolve_facts(request);
  REQUIRE_FALSE(facts);
  CHECK(facts.error().kind == ErrorKind::usage);
  return facts.error().message;
}

}  // namespace

TEST_CASE("resolve_facts overrides") {
  DetectRequest request = on("nvidia-consumer-intel-igpu");

  SUBCASE("flag beats environment beats facts file beats detection") {
    auto file = test::fresh_dir("facts") / "f.json";
    test::write_text(file, R"({"facts_version": 1, "gpu": "amd", "vulkan": "absent", "linux_family": "arch"})");
    request.facts_file = file.string();
    Facts from_file = *platform::resolve_facts(request);
    CHECK(from_file.gpu == "amd");
    CHECK(from_file.linux_family == "arch");
    CHECK(from_file.libc == "glibc");  // detected: the file has no libc key
    CHECK(from_file.overrides.at("gpu").source == "facts file " + file.string());

    ScopedEnv env("TAILOR_GPU", "intel");
    Facts from_env = *platform::resolve_facts(request);
    CHECK(from_env.gpu == "intel");
    CHECK(from_env.overrides.at("gpu").source == "TAILOR_GPU");
    // The Intel iGPU becomes primary, so gpu_driver and visibility follow it.
    CHECK(from_env.gpu_driver.empty());
    CHECK(from_env.gpu_devices[0].primary);

    request.flags[tailor::tuple::Fact::gpu] = "nvidia";
    Facts from_flag = *platform::resolve_facts(request);
    CHECK(from_flag.gpu == "nvidia");
    CHECK(from_flag.overrides.at("gpu").source == "--gpu");
    CHECK(from_flag.gpu_driver == "570.133.07");
  }
  SUBCASE("empty environment variables count as unset") {
    ScopedEnv env("TAILOR_GPU", "");
    CHECK(platform::resolve_facts(request)->gpu == "nvidia");
  }
  SUBCASE("invalid values are usage errors listing the allowed values") {
    request.flags[tailor::tuple::Fact::linux_family] = "ubuntu";
    CHECK(error_of(request) ==
          "unknown Linux family 'ubuntu'; --linux-family takes one of debian, rhel, arch, alpine, suse");
    request.flags[tailor::tuple::Fact::linux_family].reset();
    {
      ScopedEnv env("TAILOR_VULKAN", "yes");
      CHECK(error_of(request) == "unknown Vulkan state 'yes'; TAILOR_VULKAN takes one of usable, loader-only, absent");
    }
    request.flags[tailor::tuple::Fact::gpu] = "nvdia";
    CHECK(error_of(request) ==
          "unknown GPU vendor 'nvdia' (did you mean 'nvidia'?); --gpu takes one of nvidia, amd, intel, apple, none");
    request.flags[tailor::tuple::Fact::gpu] = "AMD";
    CHECK(error_of(request).starts_with("unknown GPU vendor 'AMD' (did you mean 'amd'?)"));
  }
  SUBCASE("gpu_driver must look like a version") {
    request.flags[tailor::tuple::Fact::gpu_driver] = "latest";
    CHECK(error_of(request).starts_with("invalid value \"latest\" for --gpu-driver"));
    request.flags[tailor::tuple::Fact::gpu_driver] = "";
    Facts facts = *platform::resolve_facts(request);
    CHECK(facts.gpu_driver.empty());
    CHECK(facts.overrides.at("gpu_driver").source == "--gpu-driver");
  }
  SUBCASE("gpu_compute: detected from the device id, overridden by flag or environment") {
    Facts detected = *platform::resolve_facts(request);
    CHECK(detected.gpu_compute == "8.9");  // RTX 4090, 10de:2684
    CHECK(detected.gpu_devices[1].gpu_compute == "8.9");
    CHECK(detected.gpu_devices[0].gpu_compute.empty());  // the Intel iGPU
    {
      ScopedEnv env("TAILOR_GPU_COMPUTE", "6.1");
      Facts from_env = *platform::resolve_facts(request);
      CHECK(from_env.gpu_compute == "6.1");
      CHECK(from_env.overrides.at("gpu_compute").source == "TAILOR_GPU_COMPUTE");
    }
    request.flags[tailor::tuple::Fact::gpu_compute] = "12.0";
    request.flags[tailor::tuple::Fact::gpu] = "nvidia";  // re-choosing the primary device keeps the override
    Facts from_flag = *platform::resolve_facts(request);
    CHECK(from_flag.gpu_compute == "12.0");
    CHECK(from_flag.overrides.at("gpu_compute").source == "--gpu-compute");
    request.flags[tailor::tuple::Fact::gpu_compute] = "sm_61";
    CHECK(error_of(request) ==
          "invalid value \"sm_61\" for --gpu-compute: must be a CUDA compute capability such as 8.9, or \"\"");
    request.flags[tailor::tuple::Fact::gpu_compute] = "8.9.1";
    CHECK(error_of(request).starts_with("invalid value \"8.9.1\" for --gpu-compute"));
  }
  SUBCASE("--gpu intel makes the iGPU primary, and its compute capability unknown") {
    request.flags[tailor::tuple::Fact::gpu] = "intel";
    CHECK(platform::resolve_facts(request)->gpu_compute.empty());
  }
  SUBCASE("a facts file without gpu_compute gets it from its devices") {
    auto file = test::fresh_dir("facts") / "old.json";
    test::write_text(file, R"({"facts_version": 1, "gpu": "nvidia", "gpu_devices": [{"bdf": "0000:65:00.0",
      "vendor": "nvidia", "vendor_id": "0x10de", "device_id": "0x1b80", "eligible": true, "primary": true}]})");
    request.facts_file = file.string();
    Facts facts = *platform::resolve_facts(request);
    CHECK(facts.gpu_compute == "6.1");
    CHECK(facts.gpu_devices[0].gpu_compute == "6.1");
  }
  SUBCASE("an explicit family without libc makes libc follow it") {
    request.flags[tailor::tuple::Fact::linux_family] = "alpine";
    Facts facts = *platform::resolve_facts(request);
    CHECK(facts.libc == "musl");
    CHECK(facts.overrides.at("libc").source == "follows --linux-family");
    request.flags[tailor::tuple::Fact::libc] = "glibc";
    CHECK(platform::resolve_facts(request)->libc == "glibc");
  }
  SUBCASE("--gpu-device pins the primary device and the vendor") {
    request.flags[tailor::tuple::Fact::gpu_device] = "00:02.0";
    Facts facts = *platform::resolve_facts(request);
    CHECK(facts.gpu == "intel");
    CHECK(facts.gpu_devices[0].primary);
    CHECK_FALSE(facts.gpu_devices[1].primary);
    request.flags[tailor::tuple::Fact::gpu_device] = "0000:05:00.0";
    CHECK(error_of(request) ==
          "invalid value \"0000:05:00.0\" for --gpu-device: no such display device; eligible GPUs: 0000:00:02.0, "
          "0000:01:00.0");
  }
  SUBCASE("bad probe modes and newer facts files are refused") {
    request.probe = "always";
    CHECK(error_of(request) == "unknown probe mode 'always'; --probe takes one of auto, none, vulkan, deep");
    request.probe = "deeep";
    CHECK(error_of(request).starts_with("unknown probe mode 'deeep' (did you mean 'deep'?)"));
    request.probe = "auto";
    auto file = test::fresh_dir("facts") / "new.json";
    test::write_text(file, R"({"facts_version": 2})");
    request.facts_file = file.string();
    CHECK(error_of(request).find("facts_version 2 is newer") != std::string::npos);
    test::write_text(file, R"({"facts_version": 1, "gpu": "matrox"})");
    CHECK(error_of(request) ==
          "unknown GPU vendor 'matrox'; \"gpu\" in " + file.string() + " takes one of nvidia, amd, intel, apple, none");
  }
}

TEST_CASE("facts_from_json") {
  DetectRequest request = on("amd-dgpu-igpu-fedora");
  Facts detected = *platform::resolve_facts(request);
  SUBCASE("round trip: the printed document reads back to the same facts") {
    auto doc = nlohmann::json::parse(util::canonical_json(platform::facts_to_json(detected)));
    std::set<std::string> present;
    auto loaded = platform::facts_from_json(doc, "facts.json", &present);
    REQUIRE(loaded);
    detected.warnings.clear();  // warnings are printed, not stored
    CHECK(*loaded == detected);
    CHECK(present.contains("gpu_devices"));
  }
  SUBCASE("unknown keys are ignored, wrong types name the key") {
    CHECK(platform::facts_from_json(nlohmann::json{{"future_key", 1}}, "f.json"));
    auto bad = platform::facts_from_json(nlohmann::json{{"gpu_visible", "yes"}}, "f.json");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "f.json: \"gpu_visible\" has the wrong type (string)");
  }
  SUBCASE("a saved document replaces detection on another machine") {
    auto file = test::fresh_dir("facts") / "fedora.json";
    test::write_text(file, util::canonical_json(platform::facts_to_json(detected)));
    DetectRequest other = on("virtio-vm-debian");
    other.facts_file = file.string();
    Facts facts = *platform::resolve_facts(other);
    CHECK(facts.gpu == "amd");
    CHECK(facts.linux_family == "rhel");
    CHECK(facts.gpu_devices == detected.gpu_devices);
  }
}

TEST_CASE("gfx targets: --gfx and HSA_OVERRIDE_GFX_VERSION") {
  SUBCASE("--gfx replaces the detected targets, checked and sorted") {
    DetectRequest request = on("amd-dgpu-manjaro");
    request.flags[tailor::tuple::Fact::gfx] = "gfx1100, gfx1010";
    auto facts = platform::resolve_facts(request);
    REQUIRE(facts);
    CHECK(facts->gfx_targets == std::vector<std::string>{"gfx1010", "gfx1100"});
    CHECK(facts->overrides.at("gfx_targets").source == "--gfx");
    request.flags[tailor::tuple::Fact::gfx] = "gfx11-generic";
    CHECK(error_of(request) ==
          "invalid value \"gfx11-generic\" for --gfx: 'gfx11-generic' is not an AMD gfx target such as gfx1030 or "
          "gfx90a (comma-separated for several GPUs)");
  }
  SUBCASE("the override of the facts' env is what ROCm sees, and it says so") {
    Facts facts;
    facts.gpu = "amd";
    facts.gfx_targets = {"gfx1010"};
    CHECK(platform::effective_gfx_targets(facts).targets == std::vector<std::string>{"gfx1010"});
    CHECK(platform::effective_gfx_targets(facts).note.empty());
    facts.env["HSA_OVERRIDE_GFX_VERSION"] = "10.3.0";
    auto gfx = platform::effective_gfx_targets(facts);
    CHECK(gfx.targets == std::vector<std::string>{"gfx1030"});
    CHECK(gfx.note == "gfx1030 from HSA_OVERRIDE_GFX_VERSION=10.3.0 (detected gfx1010)");
    facts.env["HSA_OVERRIDE_GFX_VERSION"] = "ten";
    gfx = platform::effective_gfx_targets(facts);
    CHECK(gfx.targets == std::vector<std::string>{"gfx1010"});
    CHECK(gfx.problem.find("HSA_OVERRIDE_GFX_VERSION=\"ten\" names no gfx target") == 0);
    facts.gpu = "nvidia";  // only an AMD machine has gfx targets to match
    CHECK(platform::effective_gfx_targets(facts).targets.empty());
  }
  SUBCASE("detection takes the variables from its options, never from the environment") {
    ScopedEnv real("HSA_OVERRIDE_GFX_VERSION", "9.0.10");
    auto root = test::make_sysroot("amd-dgpu-manjaro");
    platform::DetectOptions options;
    Facts plain = platform::detect_facts(platform::HostFs(root.string()), options);
    CHECK_FALSE(plain.env.at("HSA_OVERRIDE_GFX_VERSION").has_value());
    options.env["HSA_OVERRIDE_GFX_VERSION"] = "10.3.0";
    Facts overridden = platform::detect_facts(platform::HostFs(root.string()), options);
    CHECK(overridden.env.at("HSA_OVERRIDE_GFX_VERSION") == "10.3.0");
    CHECK(platform::effective_gfx_targets(overridden).targets == std::vector<std::string>{"gfx1030"});
  }
}
