// The Tier 1 cache (docs/detection.md, "Tier 1 cache"): key, storage, TTL, and how resolve_facts uses it.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "platform/detect.hpp"
#include "platform/tier1_cache.hpp"
#include "support/scratch.hpp"
#include "support/sysroot.hpp"

using namespace tailor;
namespace fs = std::filesystem;
using platform::VulkanProbe;

namespace {

constexpr int64_t k_now = 1'800'000'000;

void clear_detection_env() {
  for (const char* name :
       {"LD_LIBRARY_PATH", "VK_DRIVER_FILES", "VK_ICD_FILENAMES", "VK_ADD_DRIVER_FILES", "XDG_CONFIG_DIRS",
        "XDG_DATA_DIRS", "VK_TAILOR_TEST", "TAILOR_VULKAN", "TAILOR_PROBE", "TAILOR_FACTS", "TAILOR_SYSROOT"}) {
    ::unsetenv(name);
  }
}

std::string discrete_device_json(const std::string& name) {
  return R"([{"name": ")" + name + R"(", "type": "discrete", "vendor_id": "0x1002", "device_id": "0x744c",
              "api_version": "1.3.287", "driver_version": "2.0.302"}])";
}

// A copy of the vulkan-loader-only machine (AMD dGPU, loader, lavapipe manifest) whose Vulkan
// fixture reports one discrete device named `name`.
fs::path machine(const std::string& name) {
  fs::path root = test::make_sysroot("vulkan-loader-only");
  test::write_text(root / "tailor-fixture/vulkan.json", discrete_device_json(name));
  test::write_text(root / "proc/sys/kernel/random/boot_id", "6f1c2b52-0a4e-4c55-9d7e-3b0d2c1e9a10\n");
  return root;
}

platform::DetectRequest request_for(const fs::path& root, const fs::path& cache) {
  platform::DetectRequest request;
  request.sysroot = root.string();
  request.cache_dir = cache.string();
  return request;
}

std::string vulkan_source(const platform::Facts& facts) {
  for (const auto& e : facts.evidence) {
    if (e.fact == "vulkan") return e.source;
  }
  return "";
}

}  // namespace

TEST_CASE("tier1_cache_key") {
  clear_detection_env();
  fs::path root = machine("Radeon");
  platform::HostFs host(root.string());
  platform::VulkanFiles files = platform::find_vulkan_files(host, "amd64");
  REQUIRE(files.icds.size() == 1);
  std::vector<platform::GpuDevice> devices(1);
  devices[0].bdf = "0000:03:00.0";
  devices[0].vendor_id = "0x1002";
  devices[0].device_id = "0x744c";
  devices[0].driver = "amdgpu";
  devices[0].driver_version = "6.8.0";
  const std::string key = platform::tier1_cache_key(host, devices, files);
  CHECK(key.size() == 16);
  CHECK(platform::tier1_cache_key(host, devices, files) == key);

  SUBCASE("a reboot changes it") {
    test::write_text(root / "proc/sys/kernel/random/boot_id", "0e7d7c7a-1111-4c55-9d7e-3b0d2c1e9a10\n");
    CHECK(platform::tier1_cache_key(host, devices, files) != key);
  }
  SUBCASE("a different driver version changes it") {
    devices[0].driver_version = "6.9.0";
    CHECK(platform::tier1_cache_key(host, devices, files) != key);
  }
  SUBCASE("device order does not matter, devices do") {
    platform::GpuDevice other;
    other.bdf = "0000:00:02.0";
    other.vendor_id = "0x8086";
    auto two = devices;
    two.push_back(other);
    auto reversed = std::vector<platform::GpuDevice>{other, devices[0]};
    CHECK(platform::tier1_cache_key(host, two, files) != key);
    CHECK(platform::tier1_cache_key(host, two, files) == platform::tier1_cache_key(host, reversed, files));
  }
  SUBCASE("touching an ICD manifest changes it") {
    fs::path manifest = root / files.icds[0].path.substr(1);
    fs::last_write_time(manifest, fs::last_write_time(manifest) - std::chrono::hours(1));
    CHECK(platform::tier1_cache_key(host, devices, files) != key);
  }
  SUBCASE("a VK_ variable changes it") {
    ::setenv("VK_TAILOR_TEST", "1", 1);
    std::string with_variable = platform::tier1_cache_key(host, devices, files);
    ::unsetenv("VK_TAILOR_TEST");
    CHECK(with_variable != key);
  }
  SUBCASE("another testing root changes it") {
    fs::path other = machine("Radeon");
    platform::HostFs other_host(other.string());
    CHECK(platform::tier1_cache_key(other_host, devices, platform::find_vulkan_files(other_host, "amd64")) != key);
  }
}

TEST_CASE("store_tier1_cache and load_tier1_cache") {
  fs::path dir = test::fresh_dir("tier1") / "home" / "cache" / "detect";
  VulkanProbe probe;
  probe.loaded = true;
  probe.devices.push_back({"Radeon RX 7900", "discrete", "0x1002", "0x744c", "1.3.287", "2.0.302"});

  SUBCASE("round trip, private modes") {
    REQUIRE(platform::store_tier1_cache(dir, "k1", probe, k_now));
    auto entry = platform::load_tier1_cache(dir, "k1", k_now + 60);
    REQUIRE(entry);
    CHECK(entry->created_at == k_now);
    CHECK(entry->probe.loaded);
    CHECK(entry->probe.devices == probe.devices);
    struct stat info {};
    REQUIRE(::stat(dir.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    REQUIRE(::stat(dir.parent_path().c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    REQUIRE(::stat((dir / "tier1.json").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
  }
  SUBCASE("another key, an expired or a future entry is a miss") {
    REQUIRE(platform::store_tier1_cache(dir, "k1", probe, k_now));
    CHECK_FALSE(platform::load_tier1_cache(dir, "k2", k_now));
    CHECK(platform::load_tier1_cache(dir, "k1", k_now + platform::k_tier1_ttl_seconds - 1));
    CHECK_FALSE(platform::load_tier1_cache(dir, "k1", k_now + platform::k_tier1_ttl_seconds));
    CHECK_FALSE(platform::load_tier1_cache(dir, "k1", k_now - 10));
  }
  SUBCASE("a damaged file is a miss") {
    test::write_text(dir / "tier1.json", "{\"version\": 1, \"key\": \"k1\", \"created_at\": ");
    CHECK_FALSE(platform::load_tier1_cache(dir, "k1", k_now));
    test::write_text(dir / "tier1.json",
                     R"({"version": "1", "key": 7, "created_at": "now", "loaded": 1, "problem": []})");
    CHECK_FALSE(platform::load_tier1_cache(dir, "k1", k_now));
    test::write_text(dir / "tier1.json", R"({"version": 1, "key": "k1", "created_at": 1800000000, "loaded": true,
                                            "problem": "", "devices": {"name": 3}})");
    CHECK_FALSE(platform::load_tier1_cache(dir, "k1", k_now));
  }
  SUBCASE("timeouts and crashes are never cached; a missing loader is") {
    VulkanProbe timeout;
    timeout.problem = "the Vulkan probe did not finish within 3000 ms";
    CHECK_FALSE(platform::tier1_cacheable(timeout));
    CHECK_FALSE(platform::store_tier1_cache(dir, "k1", timeout, k_now));
    CHECK_FALSE(fs::exists(dir / "tier1.json"));
    CHECK(platform::tier1_cacheable(VulkanProbe{}));
    VulkanProbe no_instance;
    no_instance.loaded = true;
    no_instance.problem = "vkCreateInstance returned -9";
    CHECK(platform::tier1_cacheable(no_instance));
  }
}

TEST_CASE("resolve_facts with the Tier 1 cache") {
  clear_detection_env();
  fs::path root = machine("Radeon RX 7900 XTX (RADV NAVI31)");
  fs::path cache = test::fresh_dir("home") / "cache" / "detect";
  platform::DetectRequest request = request_for(root, cache);

  SUBCASE("a decision that needs vulkan enumerates once, then the cache answers") {
    request.need_vulkan = true;
    auto first = platform::resolve_facts(request);
    REQUIRE(first);
    CHECK(first->vulkan == "usable");
    CHECK(vulkan_source(*first) == "tailor-fixture/vulkan.json under the testing root");
    CHECK(first->vulkan_cached_at.empty());
    REQUIRE(fs::exists(cache / "tier1.json"));

    // The machine's Vulkan changes without anything in the key changing: the cache still answers.
    test::write_text(root / "tailor-fixture/vulkan.json", "[]");
    auto second = platform::resolve_facts(request);
    REQUIRE(second);
    CHECK(second->vulkan == "usable");
    REQUIRE(second->vulkan_devices.size() == 1);
    CHECK(second->vulkan_devices[0].name == "Radeon RX 7900 XTX (RADV NAVI31)");
    CHECK(vulkan_source(*second) == "cached Vulkan enumeration of 1 device(s)");
    CHECK(second->vulkan_cached_at.size() == 20);  // 2026-11-22T22:44:13Z

    SUBCASE("an explicit --probe vulkan bypasses and refreshes it") {
      request.probe = "vulkan";
      auto probed = platform::resolve_facts(request);
      REQUIRE(probed);
      CHECK(probed->vulkan == "loader-only");
      CHECK(probed->vulkan_cached_at.empty());
      request.probe = "auto";
      auto after = platform::resolve_facts(request);
      REQUIRE(after);
      CHECK(after->vulkan == "loader-only");
      CHECK(vulkan_source(*after) == "cached Vulkan enumeration of 0 device(s)");
    }
    SUBCASE("plain detection reads a valid entry but --probe none does not") {
      request.need_vulkan = false;
      CHECK(platform::resolve_facts(request)->vulkan_cached_at.size() == 20);
      request.probe = "none";
      auto tier0 = platform::resolve_facts(request);
      CHECK(tier0->vulkan_cached_at.empty());
      CHECK(tier0->vulkan_devices.empty());
    }
    SUBCASE("a reboot invalidates it") {
      test::write_text(root / "proc/sys/kernel/random/boot_id", "aaaaaaaa-0a4e-4c55-9d7e-3b0d2c1e9a10\n");
      auto rebooted = platform::resolve_facts(request);
      CHECK(rebooted->vulkan == "loader-only");
      CHECK(rebooted->vulkan_cached_at.empty());
    }
  }
  SUBCASE("without a need, detection neither enumerates nor writes the cache") {
    auto facts = platform::resolve_facts(request);
    REQUIRE(facts);
    CHECK(facts->vulkan_devices.empty());
    CHECK(vulkan_source(*facts).find("not enumerated") != std::string::npos);
    CHECK_FALSE(fs::exists(cache));
  }
  SUBCASE("an override supplies the fact: no enumeration, no cache") {
    request.need_vulkan = true;
    request.flags[tailor::tuple::Fact::vulkan] = "absent";
    CHECK(platform::resolve_facts(request)->vulkan == "absent");
    request.flags[tailor::tuple::Fact::vulkan].reset();
    fs::path facts_file = test::fresh_dir("facts") / "facts.json";
    test::write_text(facts_file, R"({"facts_version": 1, "vulkan": "loader-only"})");
    request.facts_file = facts_file.string();
    auto from_file = platform::resolve_facts(request);
    REQUIRE(from_file);
    CHECK(from_file->vulkan == "loader-only");
    CHECK(from_file->vulkan_devices.empty());
    CHECK_FALSE(fs::exists(cache));
  }
  SUBCASE("an expired entry is enumerated again") {
    request.need_vulkan = true;
    REQUIRE(platform::resolve_facts(request));
    auto doc = nlohmann::json::parse(test::read_text(cache / "tier1.json"));
    doc["created_at"] = doc["created_at"].get<int64_t>() - platform::k_tier1_ttl_seconds;
    test::write_text(cache / "tier1.json", doc.dump());
    test::write_text(root / "tailor-fixture/vulkan.json", "[]");
    auto facts = platform::resolve_facts(request);
    CHECK(facts->vulkan == "loader-only");
    CHECK(facts->vulkan_cached_at.empty());
  }
}
