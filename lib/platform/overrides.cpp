// resolve_facts: detection, then facts file, environment and flags, each value validated
// (docs/detection.md, "Overrides and facts files").
#include <algorithm>
#include <array>

#include "config/environment.hpp"
#include "platform/detect.hpp"
#include "platform/gpu_policy.hpp"
#include "platform/nvidia_compute.hpp"
#include "util/fs.hpp"
#include "util/gfx_target.hpp"
#include "util/strings.hpp"
#include "util/suggest.hpp"

namespace tailor::platform {
namespace {

using tuple::Fact;
using tuple::fact_table;
using tuple::FactDef;
using tuple::FactOrigin;
using tuple::gfx_list;
using tuple::validate_fact_value;

// Unset and empty are the same for these variables (docs/detection.md, "Overrides and facts files").
std::string env_text(config::EnvVar var) { return config::env_value(var).value_or(""); }

// A variable of the fact table or a config key's (TAILOR_PROBE, TAILOR_GPU_DEVICE); "" names none.
std::string registered_env_text(std::string_view name) {
  return name.empty() ? "" : config::registered_env_value(name).value_or("");
}

// The field of a single-valued fact; nullptr for gpu_device and gfx, which are applied apart.
std::string* field_of(Facts& f, Fact fact) {
  switch (fact) {
  case Fact::os: return &f.os;
  case Fact::arch: return &f.arch;
  case Fact::linux_family: return &f.linux_family;
  case Fact::libc: return &f.libc;
  case Fact::gpu: return &f.gpu;
  case Fact::gpu_driver: return &f.gpu_driver;
  case Fact::gpu_compute: return &f.gpu_compute;
  case Fact::vulkan: return &f.vulkan;
  case Fact::gpu_device:
  case Fact::gfx: return nullptr;
  }
  return nullptr;
}

void set_evidence(Facts& f, const std::string& fact, const std::string& value, const std::string& origin) {
  std::erase_if(f.evidence, [&](const Evidence& e) { return e.fact == fact; });
  f.evidence.push_back({fact, value, origin, "override"});
}

// Makes device `index` (or none) the primary one and derives the gpu_* facts from it.
void set_primary(Facts& f, std::optional<size_t> index) {
  for (GpuDevice& device : f.gpu_devices) device.primary = false;
  if (!index) {
    f.gpu_driver = "";
    f.gpu_compute = "";
    f.gpu_visible = false;
    return;
  }
  GpuDevice& device = f.gpu_devices[*index];
  device.primary = true;
  f.gpu_driver = device.driver_version;
  f.gpu_compute = device.gpu_compute;
  f.gpu_visible = device.visible;
}

std::string normalise_bdf(const std::string& bdf) {
  std::string lower = util::to_lower(bdf);
  return std::count(lower.begin(), lower.end(), ':') == 1 ? "0000:" + lower : lower;
}

Result<nlohmann::json> read_facts_file(const std::string& path) {
  auto text = util::read_file(path, 16 << 20);
  if (!text) return fail(ErrorKind::usage, "cannot read facts file {}: {}", path, text.error().message);
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded())
    return fail(ErrorKind::usage, "{}: not valid JSON (expected the output of `tailor detect --json`)", path);
  return doc;
}

Result<Facts> overlay_facts_file(Facts live, const nlohmann::json& doc, const std::string& path) {
  std::set<std::string> present;
  auto loaded = facts_from_json(doc, path, &present);
  if (!loaded) return fail(loaded.error());
  // A present key replaces detection, an absent one stays detected: merge at the JSON level.
  nlohmann::ordered_json merged = facts_to_json(live);
  for (const auto& item : doc.items()) {
    if (merged.contains(item.key()) && item.key() != "facts_version") merged[item.key()] = item.value();
  }
  auto facts = facts_from_json(nlohmann::json(merged), path);
  if (!facts) return fail(facts.error());
  // Files written before gpu_compute existed: the table gives it from their device ids.
  for (GpuDevice& device : facts->gpu_devices) {
    if (device.vendor == "nvidia" && device.gpu_compute.empty())
      device.gpu_compute = nvidia_compute_capability(device.device_id);
  }
  if (!present.contains("gpu_compute") && present.contains("gpu_devices")) {
    auto primary = std::find_if(facts->gpu_devices.begin(), facts->gpu_devices.end(),
                                [](const GpuDevice& d) { return d.primary; });
    facts->gpu_compute = primary != facts->gpu_devices.end() ? primary->gpu_compute : "";
  }
  facts->warnings = std::move(live.warnings);
  facts->vulkan_cached_at = std::move(live.vulkan_cached_at);
  facts->deep = std::move(live.deep);
  facts->overrides.clear();
  for (const FactDef& def : fact_table()) {
    // gfx_targets is a list every facts file carries, not an override (--gfx is one).
    if (def.fact != Fact::gfx && present.contains(std::string(def.key)))
      facts->overrides[std::string(def.key)] = {FactOrigin::facts_file, "facts file " + path};
  }
  return facts;
}

}  // namespace

Result<Facts> resolve_facts(const DetectRequest& request) {
  std::string sysroot = request.sysroot.empty() ? env_text(config::EnvVar::tailor_sysroot) : request.sysroot;
  std::string facts_file = request.facts_file.empty() ? env_text(config::EnvVar::tailor_facts) : request.facts_file;
  std::string probe = request.probe.empty() ? registered_env_text("TAILOR_PROBE") : request.probe;
  if (probe.empty()) probe = "auto";
  if (probe != "auto" && probe != "none" && probe != "vulkan" && probe != "deep") {
    const std::vector<std::string> modes{"auto", "none", "vulkan", "deep"};
    return fail(ErrorKind::usage, "unknown probe mode '{}'{}; --probe takes one of {}", probe,
                util::did_you_mean(util::to_lower(probe), modes), util::join(modes, ", "));
  }
  if (!sysroot.empty() && !HostFs(sysroot).is_dir("/")) {
    return fail(ErrorKind::usage, "--sysroot {}: not a directory", sysroot);
  }

  // Collect the single-fact overrides first: a bad value fails before any detection.
  struct Chosen {
    const FactDef* def;
    std::string value;
    FactOverride origin;
  };
  std::vector<Chosen> chosen;
  for (const FactDef& def : fact_table()) {
    if (const auto& flag = request.flags[def.fact]) {
      chosen.push_back({&def, *flag, {FactOrigin::flag, std::string(def.flag)}});
    } else if (def.fact == Fact::gpu_device && request.configured_gpu_device) {
      // The configuration names its own origin: TAILOR_GPU_DEVICE, or gpu.device in a file.
      const FactOrigin origin =
          request.configured_gpu_device_origin == def.env ? FactOrigin::environment : FactOrigin::configuration;
      chosen.push_back({&def, *request.configured_gpu_device, {origin, request.configured_gpu_device_origin}});
    } else if (std::string value = registered_env_text(def.env); !value.empty()) {
      chosen.push_back({&def, value, {FactOrigin::environment, std::string(def.env)}});
    } else {
      continue;
    }
    if (auto status = validate_fact_value(def.fact, chosen.back().value, chosen.back().origin.source); !status) {
      return fail(status.error());
    }
  }
  auto chosen_for = [&](Fact fact) -> const Chosen* {
    for (const Chosen& c : chosen) {
      if (c.def->fact == fact) return &c;
    }
    return nullptr;
  };

  nlohmann::json facts_doc;
  if (!facts_file.empty()) {
    auto doc = read_facts_file(facts_file);
    if (!doc) return fail(doc.error());
    facts_doc = std::move(*doc);
  }

  DetectOptions options;
  bool vulkan_flag = chosen_for(Fact::vulkan) != nullptr;
  bool vulkan_in_file = facts_doc.is_object() && facts_doc.contains("vulkan");
  // Tier 1 wakes every ICD: only an explicit --probe or a decision that needs `vulkan` (and
  // gets it from no override) enumerates; otherwise a valid cache entry beats the estimate.
  const bool probe_vulkan = probe == "vulkan" || probe == "deep";
  if (vulkan_flag || probe == "none" || (vulkan_in_file && !probe_vulkan))
    options.vulkan = VulkanTier::estimate;
  else if (probe_vulkan)
    options.vulkan = VulkanTier::enumerate;
  else if (request.need_vulkan)
    options.vulkan = VulkanTier::cached_or_enumerate;
  else
    options.vulkan = VulkanTier::cached;
  options.cache_dir = request.cache_dir;
  options.deep = probe == "deep";
  options.names = request.names;
  options.pci_ids = request.pci_ids.empty() ? env_text(config::EnvVar::tailor_pci_ids) : request.pci_ids;
  for (const std::string& name : visibility_variables()) {
    options.env[name] = config::registered_env_value(name);
  }
  Facts facts = detect_facts(HostFs(sysroot), options);

  if (!facts_file.empty()) {
    auto overlaid = overlay_facts_file(std::move(facts), facts_doc, facts_file);
    if (!overlaid) return overlaid;
    facts = std::move(*overlaid);
  }

  for (const Chosen& c : chosen) {
    std::string key(c.def->key);
    facts.overrides[key] = c.origin;
    if (std::string* field = field_of(facts, c.def->fact)) *field = c.value;
    if (c.def->fact == Fact::gfx) facts.gfx_targets = gfx_list(c.value);
    set_evidence(facts, key, c.value, c.origin.source);
  }
  if (chosen_for(Fact::linux_family) != nullptr && chosen_for(Fact::libc) == nullptr) {
    facts.libc = facts.linux_family == "alpine" ? "musl" : "glibc";
    facts.overrides["libc"] = {FactOrigin::derived, "follows " + chosen_for(Fact::linux_family)->origin.source};
    set_evidence(facts, "libc", facts.libc, facts.overrides["libc"].source);
  }

  if (const Chosen* pin = chosen_for(Fact::gpu_device)) {
    std::string bdf = normalise_bdf(pin->value);
    auto it = std::find_if(facts.gpu_devices.begin(), facts.gpu_devices.end(),
                           [&](const GpuDevice& d) { return d.bdf == bdf; });
    if (it == facts.gpu_devices.end() || !it->eligible) {
      std::vector<std::string> eligible;
      for (const GpuDevice& d : facts.gpu_devices) {
        if (d.eligible) eligible.push_back(d.bdf);
      }
      return fail(ErrorKind::usage, "invalid value \"{}\" for {}: {}; eligible GPUs: {}", pin->value,
                  pin->origin.source,
                  it == facts.gpu_devices.end() ? "no such display device" : "device is not an eligible GPU",
                  eligible.empty() ? "none" : util::join(eligible, ", "));
    }
    if (const Chosen* gpu = chosen_for(Fact::gpu); gpu != nullptr && gpu->value != it->vendor) {
      return fail(ErrorKind::usage, "{} {} is an {} device, but {} says {}", pin->origin.source, bdf, it->vendor,
                  gpu->origin.source, gpu->value);
    }
    facts.gpu = it->vendor;
    set_primary(facts, static_cast<size_t>(it - facts.gpu_devices.begin()));
    set_evidence(facts, "gpu", facts.gpu, pin->origin.source + " " + bdf);
  } else if (chosen_for(Fact::gpu) != nullptr) {
    set_primary(facts, choose_primary(facts.gpu_devices, facts.gpu));
  }
  if (const Chosen* driver = chosen_for(Fact::gpu_driver)) facts.gpu_driver = driver->value;
  if (const Chosen* compute = chosen_for(Fact::gpu_compute)) facts.gpu_compute = compute->value;

  if (facts.arch != "amd64" && facts.arch != "arm64") {
    return fail(
        ErrorKind::failure,
        "unsupported architecture: {}; tailor runs on amd64 and arm64 (pass --arch to plan for another machine)",
        facts.arch.empty() ? "unknown (/bin/sh unreadable)" : facts.arch);
  }
  return facts;
}

}  // namespace tailor::platform
