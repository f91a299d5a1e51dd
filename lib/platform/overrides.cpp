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

struct FactSpec {
  std::string_view fact;
  std::string_view flag;
  std::string_view env;
  std::string_view noun;             // what the value names, for "unknown GPU vendor 'nvdia'"
  std::vector<std::string> allowed;  // empty: free form, checked elsewhere
};

const std::array<FactSpec, 10>& fact_specs() {
  static const std::array<FactSpec, 10> k_specs{{
      {"os", "--os", "", "OS", {"linux", "darwin"}},
      {"arch", "--arch", "", "architecture", {"amd64", "arm64"}},
      {"linux_family",
       "--linux-family",
       "TAILOR_LINUX_FAMILY",
       "Linux family",
       {"debian", "rhel", "arch", "alpine", "suse"}},
      {"libc", "--libc", "TAILOR_LIBC", "C library", {"glibc", "musl"}},
      {"gpu", "--gpu", "TAILOR_GPU", "GPU vendor", {"nvidia", "amd", "intel", "apple", "none"}},
      {"gpu_driver", "--gpu-driver", "TAILOR_GPU_DRIVER", "GPU driver", {}},
      {"vulkan", "--vulkan", "TAILOR_VULKAN", "Vulkan state", {"usable", "loader-only", "absent"}},
      {"gpu_device", "--gpu-device", "TAILOR_GPU_DEVICE", "GPU device", {}},
      {"gpu_compute", "--gpu-compute", "TAILOR_GPU_COMPUTE", "compute capability", {}},
      {"gfx_targets", "--gfx", "TAILOR_GFX", "gfx target", {}},
  }};
  return k_specs;
}

// Unset and empty are the same for these variables (docs/detection.md, "Overrides and facts files").
std::string env_text(config::EnvVar var) { return config::env_value(var).value_or(""); }

// A variable named by the table above or a config key's (TAILOR_PROBE, TAILOR_GPU_DEVICE); "" names none.
std::string registered_env_text(std::string_view name) {
  return name.empty() ? "" : config::registered_env_value(name).value_or("");
}

bool is_driver_version(std::string_view value) {
  if (value.empty()) return true;
  for (const std::string& part : util::split(value, '.')) {
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return false;
  }
  return true;
}

// A CUDA compute capability: major.minor, both plain numbers ("" = unknown).
bool is_compute_capability(std::string_view value) {
  if (value.empty()) return true;
  auto parts = util::split(value, '.');
  return parts.size() == 2 && std::all_of(parts.begin(), parts.end(), [](const std::string& part) {
           return !part.empty() && part.size() <= 3 && part.find_first_not_of("0123456789") == std::string::npos;
         });
}

// Comma-separated AMD gfx targets ("gfx1010", "gfx1100,gfx1030"); "" = none known.
std::vector<std::string> gfx_list(std::string_view value) {
  std::vector<std::string> out;
  for (const std::string& part : util::split(value, ',')) {
    std::string name = util::to_lower(std::string(util::trim(part)));
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string* field_of(Facts& f, std::string_view fact) {
  if (fact == "os") return &f.os;
  if (fact == "arch") return &f.arch;
  if (fact == "linux_family") return &f.linux_family;
  if (fact == "libc") return &f.libc;
  if (fact == "gpu") return &f.gpu;
  if (fact == "gpu_driver") return &f.gpu_driver;
  if (fact == "gpu_compute") return &f.gpu_compute;
  if (fact == "vulkan") return &f.vulkan;
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
  for (const FactSpec& spec : fact_specs()) {
    // gfx_targets is a list every facts file carries, not an override (--gfx is one).
    if (spec.fact != "gfx_targets" && present.contains(std::string(spec.fact)))
      facts->overrides[std::string(spec.fact)] = "facts file " + path;
  }
  return facts;
}

}  // namespace

Status validate_fact_value(std::string_view fact, std::string_view value, std::string_view origin) {
  for (const FactSpec& spec : fact_specs()) {
    if (spec.fact != fact) continue;
    if (fact == "gpu_driver") {
      if (is_driver_version(value)) return {};
      return fail(ErrorKind::usage, "invalid value \"{}\" for {}: must be a driver version such as 570.133.07, or \"\"",
                  value, origin);
    }
    if (fact == "gpu_compute") {
      if (is_compute_capability(value)) return {};
      return fail(ErrorKind::usage,
                  "invalid value \"{}\" for {}: must be a CUDA compute capability such as 8.9, or \"\"", value, origin);
    }
    if (fact == "gfx_targets") {
      for (const std::string& name : gfx_list(value)) {
        if (!util::is_gfx_target(name)) {
          return fail(ErrorKind::usage,
                      "invalid value \"{}\" for {}: '{}' is not an AMD gfx target such as gfx1030 or gfx90a "
                      "(comma-separated for several GPUs)",
                      value, origin, name);
        }
      }
      return {};
    }
    if (spec.allowed.empty()) return {};
    if (std::find(spec.allowed.begin(), spec.allowed.end(), value) != spec.allowed.end()) return {};
    return fail(ErrorKind::usage, "unknown {} '{}'{}; {} takes one of {}", spec.noun, value,
                util::did_you_mean(util::to_lower(value), spec.allowed), origin, util::join(spec.allowed, ", "));
  }
  return fail(ErrorKind::internal, "unknown fact {}", fact);
}

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
    const FactSpec* spec;
    std::string value;
    std::string origin;
  };
  std::vector<Chosen> chosen;
  const FactOverrides& flags = request.flags;
  const std::array<const std::optional<std::string>*, 10> flag_values{
      &flags.os,         &flags.arch,   &flags.linux_family, &flags.libc,        &flags.gpu,
      &flags.gpu_driver, &flags.vulkan, &flags.gpu_device,   &flags.gpu_compute, &flags.gfx};
  for (size_t i = 0; i < fact_specs().size(); ++i) {
    const FactSpec& spec = fact_specs()[i];
    if (*flag_values[i]) {
      chosen.push_back({&spec, **flag_values[i], std::string(spec.flag)});
    } else if (spec.fact == "gpu_device" && request.configured_gpu_device) {
      chosen.push_back({&spec, *request.configured_gpu_device, request.configured_gpu_device_origin});
    } else if (std::string value = registered_env_text(spec.env); !value.empty()) {
      chosen.push_back({&spec, value, std::string(spec.env)});
    } else {
      continue;
    }
    if (auto status = validate_fact_value(spec.fact, chosen.back().value, chosen.back().origin); !status) {
      return fail(status.error());
    }
  }
  auto chosen_for = [&](std::string_view fact) -> const Chosen* {
    for (const Chosen& c : chosen) {
      if (c.spec->fact == fact) return &c;
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
  bool vulkan_flag = chosen_for("vulkan") != nullptr;
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
    std::string fact(c.spec->fact);
    facts.overrides[fact] = c.origin;
    if (std::string* field = field_of(facts, fact)) *field = c.value;
    if (fact == "gfx_targets") facts.gfx_targets = gfx_list(c.value);
    set_evidence(facts, fact, c.value, c.origin);
  }
  if (chosen_for("linux_family") != nullptr && chosen_for("libc") == nullptr) {
    facts.libc = facts.linux_family == "alpine" ? "musl" : "glibc";
    facts.overrides["libc"] = "follows " + chosen_for("linux_family")->origin;
    set_evidence(facts, "libc", facts.libc, facts.overrides["libc"]);
  }

  if (const Chosen* pin = chosen_for("gpu_device")) {
    std::string bdf = normalise_bdf(pin->value);
    auto it = std::find_if(facts.gpu_devices.begin(), facts.gpu_devices.end(),
                           [&](const GpuDevice& d) { return d.bdf == bdf; });
    if (it == facts.gpu_devices.end() || !it->eligible) {
      std::vector<std::string> eligible;
      for (const GpuDevice& d : facts.gpu_devices) {
        if (d.eligible) eligible.push_back(d.bdf);
      }
      return fail(ErrorKind::usage, "invalid value \"{}\" for {}: {}; eligible GPUs: {}", pin->value, pin->origin,
                  it == facts.gpu_devices.end() ? "no such display device" : "device is not an eligible GPU",
                  eligible.empty() ? "none" : util::join(eligible, ", "));
    }
    if (const Chosen* gpu = chosen_for("gpu"); gpu != nullptr && gpu->value != it->vendor) {
      return fail(ErrorKind::usage, "{} {} is an {} device, but {} says {}", pin->origin, bdf, it->vendor, gpu->origin,
                  gpu->value);
    }
    facts.gpu = it->vendor;
    set_primary(facts, static_cast<size_t>(it - facts.gpu_devices.begin()));
    set_evidence(facts, "gpu", facts.gpu, pin->origin + " " + bdf);
  } else if (chosen_for("gpu") != nullptr) {
    set_primary(facts, choose_primary(facts.gpu_devices, facts.gpu));
  }
  if (const Chosen* driver = chosen_for("gpu_driver")) facts.gpu_driver = driver->value;
  if (const Chosen* compute = chosen_for("gpu_compute")) facts.gpu_compute = compute->value;

  if (facts.arch != "amd64" && facts.arch != "arm64") {
    return fail(
        ErrorKind::failure,
        "unsupported architecture: {}; tailor runs on amd64 and arm64 (pass --arch to plan for another machine)",
        facts.arch.empty() ? "unknown (/bin/sh unreadable)" : facts.arch);
  }
  return facts;
}

}  // namespace tailor::platform
