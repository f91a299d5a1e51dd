// Platform, dependency-name, registry checks (docs/validation.md, "Platforms and dependency names", "Registry checks").
#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "recipe/registry.hpp"
#include "recipe/validate_internal.hpp"
#include "tuple/gpu_vendor.hpp"
#include "util/strings.hpp"

namespace tailor::recipe::detail {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_libc(std::string_view value) { return value == "glibc" || value == "musl"; }

struct Tuples {
  std::vector<std::string> list;  // "os/arch", in declared order
  std::set<std::string> oses, arches;
};

Tuples supported_tuples(const Metadata& m) {
  Tuples t;
  for (const std::string& os : effective_supported_os(m)) {
    for (const std::string& arch : effective_supported_arch(m)) {
      std::string tuple = fmt::format("{}/{}", os, arch);
      if (contains(m.unsupported_platforms, tuple)) continue;
      t.list.push_back(tuple);
      t.oses.insert(os);
      t.arches.insert(arch);
    }
  }
  return t;
}

std::vector<std::string> mapping_keys(const Step& step, std::string_view key) {
  std::vector<std::string> keys;
  const nlohmann::json* value = param(step, key);
  if (value != nullptr && value->is_object())
    for (const auto& item : value->items()) keys.push_back(item.key());
  return keys;
}

// The first dependency-name rule an entry breaks (docs/validation.md, "Platforms and dependency names"), or "".
std::string name_problem(const std::string& name) {
  if (name.empty()) return "dependency name is empty";
  if (name.find('\0') != std::string::npos) return "dependency name contains a NUL byte";
  if (name.find("..") != std::string::npos) return fmt::format("dependency name '{}' must not contain '..'", name);
  if (name.find('/') != std::string::npos) return fmt::format("dependency name '{}' must not contain '/'", name);
  if (name.find('\\') != std::string::npos) return fmt::format("dependency name '{}' must not contain '\\'", name);
  if (name.front() == '-') return fmt::format("dependency name '{}' must not start with '-'", name);
  for (char ch : name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    if (!ok) return fmt::format("dependency name '{}' must match ^[a-z0-9._-]+$", name);
  }
  return {};
}

}  // namespace

void check_platforms(Checker& c) {
  const Metadata& m = c.recipe().metadata;
  const std::string field = "metadata.platform_constraints";
  bool libc_ok = true;
  for (const std::string& libc : m.supported_libc) {
    if (!is_libc(libc)) {
      c.error(field, fmt::format("supported_libc contains invalid value '{}' (valid: glibc, musl)", libc),
              "metadata.supported_libc");
      libc_ok = false;
      break;
    }
  }
  const Tuples tuples = supported_tuples(m);
  if (libc_ok) {
    const auto oses = effective_supported_os(m);
    const auto arches = effective_supported_arch(m);
    for (size_t k = 0; k < m.unsupported_platforms.size(); ++k) {
      const std::string& entry = m.unsupported_platforms[k];
      auto parts = util::split(entry, '/');
      const std::string at = fmt::format("metadata.unsupported_platforms[{}]", k);
      const bool reachable = parts.size() >= 2 && contains(oses, parts[0]) && contains(arches, parts[1]);
      if (!reachable) {
        c.warning(
            field,
            fmt::format("unsupported_platforms entry '{}' has no effect (not in supported_os x supported_arch)", entry),
            at);
      } else if (parts.size() == 3 && !is_libc(parts[2])) {
        c.error(
            field,
            fmt::format("unsupported_platforms entry '{}' has invalid libc '{}' (valid: glibc, musl)", entry, parts[2]),
            at);
      }
    }
    if (tuples.list.empty())
      c.error(field, "no supported platforms (supported_os x supported_arch minus unsupported_platforms is empty)",
              "metadata");
  }

  const auto& steps = c.recipe().steps;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const std::string at = fmt::format("steps[{}]", i);
    for (const std::string& key : mapping_keys(step, "os_mapping"))
      if (!tuples.oses.contains(key))
        c.error("steps", fmt::format("step {}: os_mapping key '{}' is not a supported OS", i, key), at + ".os_mapping");
    for (const std::string& key : mapping_keys(step, "arch_mapping"))
      if (!tuples.arches.contains(key))
        c.error("steps", fmt::format("step {}: arch_mapping key '{}' is not a supported arch", i, key),
                at + ".arch_mapping");
    if (!step.when) continue;
    const WhenClause& w = *step.when;
    const std::string when_at = at + ".when";
    for (const std::string& p : w.platform) {
      if (p.find('/') == std::string::npos)
        c.error("steps", fmt::format("step {}: when.platform entry '{}' is not a valid os/arch tuple", i, p),
                when_at + ".platform");
      else if (!contains(tuples.list, p))
        c.error("steps",
                fmt::format("step {}: when.platform entry '{}' is not a supported platform of this recipe", i, p),
                when_at + ".platform");
    }
    for (const std::string& os : w.os)
      if (!tuples.oses.contains(os))
        c.error("steps", fmt::format("step {}: when.os value '{}' is not a supported OS of this recipe", i, os),
                when_at + ".os");
    if (!w.libc.empty() && !w.os.empty() && !contains(w.os, "linux"))
      c.error("steps", fmt::format("step {}: when.libc is only meaningful when when.os includes linux", i),
              when_at + ".libc");
    for (const std::string& libc : w.libc)
      if (!is_libc(libc))
        c.error("steps", fmt::format("step {}: when.libc value '{}' is invalid (valid: glibc, musl)", i, libc),
                when_at + ".libc");
    for (const std::string& gpu : w.gpu) {
      if (tuple::find_gpu_vendor(gpu) == nullptr)
        c.error("steps",
                fmt::format("step {}: when.gpu value '{}' is invalid (valid: {})", i, gpu,
                            fmt::join(tuple::k_gpu_vendor_names, ", ")),
                when_at + ".gpu");
    }
  }
}

void check_dependency_names(Checker& c) {
  const Metadata& m = c.recipe().metadata;
  auto check_list = [&](std::string_view list_name, const std::vector<std::string>& list) {
    for (size_t k = 0; k < list.size(); ++k) {
      const std::string field = fmt::format("metadata.{}[{}]", list_name, k);
      std::string problem = name_problem(list[k]);
      if (problem.empty()) {
        auto first = std::find(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(k), list[k]);
        if (first != list.begin() + static_cast<std::ptrdiff_t>(k))
          problem =
              fmt::format("duplicate dependency '{}' (already listed at index {})", list[k], first - list.begin());
      }
      if (!problem.empty()) c.error(field, problem);
    }
  };
  check_list("runtime_dependencies", m.runtime_dependencies);
  check_list("extra_runtime_dependencies", m.extra_runtime_dependencies);
}

void check_registry(Checker& c, const Registry& registry) {
  const Metadata& m = c.recipe().metadata;
  // Names the remote sources know without the network, read only when a name resolves nowhere
  // locally (rare): a dependency published only there still resolves.
  std::optional<std::vector<std::string>> remote_names;
  auto check_list = [&](std::string_view list_name, const std::vector<std::string>& list) {
    for (size_t k = 0; k < list.size(); ++k) {
      const std::string& name = list[k];
      if (!name_problem(name).empty()) continue;
      if (registry.contains(name)) continue;
      const std::string field = fmt::format("{}[{}]", list_name, k);
      auto owners = registry.alias_claimants(name);
      if (owners.size() >= 2) {
        c.error(field, fmt::format("'{}' is an alias claimed by several recipes ({}); pin a specific recipe", name,
                                   util::join(owners, ", ")));
      } else if (owners.empty()) {
        if (!remote_names) remote_names = registry.hint_names();
        if (std::find(remote_names->begin(), remote_names->end(), name) != remote_names->end()) continue;
        auto near = suggest_name(name, *remote_names);
        c.error(field, fmt::format("dependency '{}' does not resolve to an installable recipe (searched the validated "
                                   "paths, --registry or TAILOR_RECIPES, $TAILOR_HOME/recipes, the embedded recipes "
                                   "and the central registry's cached index){}",
                                   name, near ? fmt::format("; did you mean '{}'?", *near) : std::string()));
      }
    }
  };
  // Install and runtime dependencies alike: an unknown name fails at plan time either way.
  check_list("metadata.dependencies", m.dependencies);
  check_list("metadata.runtime_dependencies", m.runtime_dependencies);
  check_list("metadata.extra_dependencies", m.extra_dependencies);
  check_list("metadata.extra_runtime_dependencies", m.extra_runtime_dependencies);
  const auto& steps = c.recipe().steps;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].dependencies) check_list(fmt::format("steps[{}].dependencies", i), *steps[i].dependencies);
  }
}

}  // namespace tailor::recipe::detail
