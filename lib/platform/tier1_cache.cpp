#include "platform/tier1_cache.hpp"

#include <algorithm>
#include <system_error>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/environment.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::platform {
namespace {

namespace stdfs = std::filesystem;

// FNV-1a, 64 bit: the key only has to tell machine states apart, not resist an attacker
// (whoever can write tier1.json can write any answer into it anyway).
uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string mtime_text(const HostFs& fs, const std::string& path) {
  auto mtime = fs.mtime_ns(path);
  return mtime ? std::to_string(*mtime) : "missing";
}

// Creates `dir` (…/cache/detect) and its parent (…/cache) 0700 when missing, the levels above
// with default modes (only cache/* and data/ are private: docs/home-layout.md); refuses a symlinked directory.
bool ensure_private_dir(const stdfs::path& dir) {
  std::error_code ec;
  if (!dir.parent_path().parent_path().empty()) stdfs::create_directories(dir.parent_path().parent_path(), ec);
  for (const stdfs::path& level : {dir.parent_path(), dir}) {
    if (stdfs::is_symlink(level, ec)) return false;
    if (stdfs::is_directory(level, ec)) continue;
    stdfs::create_directory(level, ec);
    if (ec) return false;
    stdfs::permissions(level, stdfs::perms::owner_all, stdfs::perm_options::replace, ec);
    if (ec) return false;
  }
  return true;
}

}  // namespace

std::string tier1_cache_key(const HostFs& fs, const std::vector<GpuDevice>& devices, const VulkanFiles& files) {
  std::string material = "tailor-tier1-v1\nroot " + fs.root() + "\n";
  material +=
      "boot_id " + std::string(util::trim(fs.read_small("/proc/sys/kernel/random/boot_id", 64).value_or(""))) + "\n";
  std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>> tuples;
  tuples.reserve(devices.size());
  for (const GpuDevice& d : devices) tuples.emplace_back(d.bdf, d.vendor_id, d.device_id, d.driver, d.driver_version);
  std::sort(tuples.begin(), tuples.end());
  for (const auto& [bdf, vendor, device, driver, version] : tuples) {
    material += fmt::format("pci {} {} {} {} {}\n", bdf, vendor, device, driver, version);
  }
  material += fmt::format("loader {} {}\n", files.loader, files.loader.empty() ? "" : mtime_text(fs, files.loader));
  std::vector<std::string> manifests;
  for (const VulkanIcd& icd : files.icds) manifests.push_back(icd.path);
  std::sort(manifests.begin(), manifests.end());
  for (const std::string& path : manifests) material += fmt::format("icd {} {}\n", path, mtime_text(fs, path));
  std::vector<std::string> variables = config::env_family_entries(config::EnvVar::vk_variables);
  std::sort(variables.begin(), variables.end());
  for (const std::string& variable : variables) material += "env " + variable + "\n";
  return fmt::format("{:016x}", fnv1a(material));
}

std::optional<CachedProbe> load_tier1_cache(const stdfs::path& dir, const std::string& key, int64_t now) {
  std::error_code ec;
  if (stdfs::is_symlink(dir, ec)) return std::nullopt;
  auto text = util::read_file(dir / k_tier1_file, 1 << 20);
  if (!text) return std::nullopt;
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  // Checked field by field: json::value() throws on a type mismatch, and a damaged file is a miss.
  if (!doc.is_object()) return std::nullopt;
  auto version = doc.find("version");
  auto stored_key = doc.find("key");
  if (version == doc.end() || *version != 1 || stored_key == doc.end() || *stored_key != key) return std::nullopt;
  auto created = doc.find("created_at");
  if (created == doc.end() || !created->is_number_integer()) return std::nullopt;
  CachedProbe entry;
  entry.created_at = created->get<int64_t>();
  if (entry.created_at > now || now - entry.created_at >= k_tier1_ttl_seconds) return std::nullopt;
  auto loaded = doc.find("loaded");
  auto problem = doc.find("problem");
  if (loaded == doc.end() || !loaded->is_boolean() || problem == doc.end() || !problem->is_string())
    return std::nullopt;
  auto devices = vulkan_devices_from_json(doc.value("devices", nlohmann::json()));
  if (!devices) return std::nullopt;
  entry.probe.loaded = loaded->get<bool>();
  entry.probe.problem = problem->get<std::string>();
  entry.probe.devices = std::move(*devices);
  return entry;
}

bool store_tier1_cache(const stdfs::path& dir, const std::string& key, const VulkanProbe& probe, int64_t now) {
  if (!tier1_cacheable(probe) || !ensure_private_dir(dir)) return false;
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const VulkanDevice& d : probe.devices) {
    devices.push_back({{"name", d.name},
                       {"type", d.type},
                       {"vendor_id", d.vendor_id},
                       {"device_id", d.device_id},
                       {"api_version", d.api_version},
                       {"driver_version", d.driver_version}});
  }
  nlohmann::ordered_json doc{
      {"version", 1},      {"key", key}, {"created_at", now}, {"loaded", probe.loaded}, {"problem", probe.problem},
      {"devices", devices}};
  // Device names come from drivers; a stray invalid byte must not lose the entry.
  std::string text = doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  return util::write_file_atomic(dir / k_tier1_file, text, 0600).has_value();
}

bool tier1_cacheable(const VulkanProbe& probe) { return probe.loaded || probe.problem.empty(); }

}  // namespace tailor::platform
