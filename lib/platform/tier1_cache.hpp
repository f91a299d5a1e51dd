#pragma once
// The Tier 1 cache (docs/detection.md, "Tier 1 cache"): one Vulkan enumeration kept in <dir>/tier1.json for 24 h and
// only while the machine it describes is unchanged (boot, GPUs and drivers, ICD manifests, VK_* variables). Tier 0 is
// cheaper than reading this file and is never cached.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "platform/facts.hpp"
#include "platform/host_fs.hpp"
#include "platform/vulkan.hpp"

namespace tailor::platform {

inline constexpr int64_t k_tier1_ttl_seconds = int64_t{24} * 60 * 60;
inline constexpr const char* k_tier1_file = "tier1.json";

// The hash keying the cache: testing root, /proc/sys/kernel/random/boot_id, the sorted
// (BDF, vendor, device, driver, driver_version) tuples, loader and ICD manifest paths with
// their mtimes, and every VK_* environment variable (the loader consults many of them).
std::string tier1_cache_key(const HostFs& fs, const std::vector<GpuDevice>& devices, const VulkanFiles& files);

struct CachedProbe {
  VulkanProbe probe;
  int64_t created_at = 0;  // unix seconds
};

// The entry stored under `key` when it is younger than the TTL at `now` (unix seconds);
// nullopt for a missing, unreadable, foreign-key, expired or future-dated file.
std::optional<CachedProbe> load_tier1_cache(const std::filesystem::path& dir, const std::string& key, int64_t now);

// Replaces the cache with `probe` (directory 0700, file 0600, temp file and rename). Best
// effort: false when nothing was written, which only costs another enumeration later.
bool store_tier1_cache(const std::filesystem::path& dir, const std::string& key, const VulkanProbe& probe, int64_t now);

// Timeouts, crashes and unreadable results are transient: they are reported, never cached,
// so a fixed driver is seen on the next run instead of 24 h later.
bool tier1_cacheable(const VulkanProbe& probe);

}  // namespace tailor::platform
