#include "recipe/when.hpp"
#include "recipe/actions.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "tuple/gpu_vendor.hpp"

namespace tailor::recipe {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string bracketed(const std::vector<std::string>& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ' ';
    out += list[i];
  }
  return out + "]";
}

// A dotted version as numbers; nullopt when a part is not a plain number.
std::optional<std::vector<uint64_t>> numeric_parts(std::string_view text) {
  std::vector<uint64_t> parts;
  while (true) {
    size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    uint64_t value = 0;
    if (part.empty() || part.size() > 18) return std::nullopt;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    parts.push_back(value);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return parts;
}

int compare_versions(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    uint64_t x = i < a.size() ? a[i] : 0;
    uint64_t y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

struct Comparator {
  std::string_view op;
  std::vector<uint64_t> version;
};

Result<std::vector<Comparator>> parse_range(std::string_view range, std::string_view field = "gpu_driver") {
  std::vector<Comparator> out;
  size_t i = 0;
  while (i < range.size()) {
    if (range[i] == ' ' || range[i] == '\t') {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < range.size() && range[end] != ' ' && range[end] != '\t') ++end;
    std::string_view token = range.substr(i, end - i);
    i = end;
    std::string_view op;
    for (std::string_view candidate : {">=", "<=", ">", "<", "="}) {
      if (token.starts_with(candidate)) {
        op = candidate;
        break;
      }
    }
    if (op.empty()) {
      return fail(ErrorKind::failure, "malformed {} range '{}': '{}' has no comparator (>=, >, <=, <, =)", field, range,
                  token);
    }
    auto version = numeric_parts(token.substr(op.size()));
    if (!version) {
      return fail(ErrorKind::failure, "malformed {} range '{}': '{}' is not a dotted number", field, range,
                  token.substr(op.size()));
    }
    out.push_back({op, std::move(*version)});
  }
  if (out.empty()) return fail(ErrorKind::failure, "malformed {} range '{}': no comparator", field, range);
  return out;
}

// Merges one single-valued field into the constraint, or reports a conflict.
Status merge(std::string& slot, const std::string& value, std::string_view field) {
  if (!slot.empty() && slot != value) {
    return fail(ErrorKind::failure, "{} conflict: action requires {} \"{}\" but when.{} specifies \"{}\"", field, field,
                slot, field, value);
  }
  slot = value;
  return {};
}

bool mentions_family_placeholder(const nlohmann::json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().find("{{linux_family}}") != std::string::npos;
  if (value.is_array() || value.is_object()) {
    for (const auto& element : value)
      if (mentions_family_placeholder(element)) return true;
  }
  return false;
}

}  // namespace

bool when_matches(const WhenClause& when, const tuple::Target& target) {
  if (when.empty()) return true;
  // tailor's extensions are checked first so that the `platform` short-circuit (docs/conditions.md, "Evaluation order")
  // (a tsuku quirk) cannot make a backend-specific step match every backend.
  if (!when.backend.empty() && (!target.backend || !contains(when.backend, tuple::name(*target.backend)))) return false;
  if (!when.gpu_driver.empty() && !driver_in_range(when.gpu_driver, target.gpu_driver)) return false;
  if (!when.gpu_compute.empty() && !compute_in_range(when.gpu_compute, target.gpu_compute)) return false;
  if (!when.gfx.empty() && !gfx_in_list(when.gfx, target.gfx)) return false;
  if (!when.platform.empty()) return contains(when.platform, target.os + "/" + target.arch);
  if (!when.os.empty() && !contains(when.os, target.os)) return false;
  if (!when.arch.empty() && when.arch != target.arch) return false;
  if (!when.linux_family.empty() && when.linux_family != tuple::name(target.linux_family)) return false;
  if (!when.libc.empty() && target.os == "linux" && !contains(when.libc, tuple::name(target.libc))) return false;
  if (!when.gpu.empty() && !contains(when.gpu, tuple::name(target.gpu))) return false;
  return true;
}

std::optional<ImplicitConstraint> implicit_constraint(std::string_view action) {
  if (recipe::is_action(action, recipe::ActionKind::apt_install) ||
      recipe::is_action(action, recipe::ActionKind::apt_repo) || recipe::is_action(action, recipe::ActionKind::apt_ppa))
    return ImplicitConstraint{"linux", "debian"};
  if (recipe::is_action(action, recipe::ActionKind::dnf_install) ||
      recipe::is_action(action, recipe::ActionKind::dnf_repo))
    return ImplicitConstraint{"linux", "rhel"};
  if (recipe::is_action(action, recipe::ActionKind::pacman_install)) return ImplicitConstraint{"linux", "arch"};
  if (recipe::is_action(action, recipe::ActionKind::apk_install)) return ImplicitConstraint{"linux", "alpine"};
  if (recipe::is_action(action, recipe::ActionKind::zypper_install)) return ImplicitConstraint{"linux", "suse"};
  if (recipe::is_action(action, recipe::ActionKind::brew_install) ||
      recipe::is_action(action, recipe::ActionKind::brew_cask))
    return ImplicitConstraint{"darwin", ""};
  return std::nullopt;
}

bool step_applies(const Step& step, const tuple::Target& target) {
  if (auto implicit = implicit_constraint(step.action)) {
    if (implicit->os != target.os) return false;
    if (!implicit->family.empty() && implicit->family != tuple::name(target.linux_family)) return false;
  }
  return !step.when || when_matches(*step.when, target);
}

Result<StepConstraint> analyze_step(const Step& step) {
  StepConstraint c;
  if (auto implicit = implicit_constraint(step.action)) {
    c.os = implicit->os;
    c.family = implicit->family;
  }
  c.family_varying = mentions_family_placeholder(step.params);
  if (!step.when) return c;
  const WhenClause& w = *step.when;
  if (!w.platform.empty() && !c.os.empty()) {
    bool any = std::any_of(w.platform.begin(), w.platform.end(),
                           [&](const std::string& p) { return std::string_view(p).substr(0, p.find('/')) == c.os; });
    if (!any) {
      return fail(ErrorKind::failure, "platform conflict: action requires OS \"{}\" but when.platform specifies {}",
                  c.os, bracketed(w.platform));
    }
  }
  if (!w.os.empty()) {
    if (!c.os.empty() && !contains(w.os, c.os)) {
      return fail(ErrorKind::failure, "OS conflict: action requires OS \"{}\" but when.os specifies {}", c.os,
                  bracketed(w.os));
    }
    if (c.os.empty() && w.os.size() == 1) c.os = w.os.front();
  }
  if (!w.linux_family.empty()) {
    if (auto ok = merge(c.family, w.linux_family, "linux_family"); !ok) return tl::unexpected(ok.error());
  }
  if (!w.arch.empty()) {
    if (auto ok = merge(c.arch, w.arch, "arch"); !ok) return tl::unexpected(ok.error());
  }
  if (w.libc.size() == 1) {
    if (auto ok = merge(c.libc, w.libc.front(), "libc"); !ok) return tl::unexpected(ok.error());
  }
  if (w.gpu.size() == 1) c.gpu = w.gpu.front();
  if (!c.family.empty() && !c.os.empty() && c.os != "linux") {
    return fail(ErrorKind::failure, "linux_family \"{}\" is only valid with os=\"linux\", got os=\"{}\"", c.family,
                c.os);
  }
  if (!c.libc.empty() && !c.os.empty() && c.os != "linux") {
    return fail(ErrorKind::failure, "libc \"{}\" is only valid with os=\"linux\", got os=\"{}\"", c.libc, c.os);
  }
  return c;
}

bool driver_in_range(std::string_view range, std::string_view version) {
  if (version.empty()) return false;
  auto comparators = parse_range(range);
  if (!comparators) return false;
  // Driver versions may carry a suffix ("6.8.0-45-generic"); compare the dotted numeric prefix.
  size_t end = 0;
  while (end < version.size() && ((version[end] >= '0' && version[end] <= '9') || version[end] == '.')) ++end;
  while (end > 0 && version[end - 1] == '.') --end;
  auto have = numeric_parts(version.substr(0, end));
  if (!have) return false;
  for (const Comparator& c : *comparators) {
    int order = compare_versions(*have, c.version);
    bool ok = (c.op == ">=" && order >= 0) || (c.op == ">" && order > 0) || (c.op == "<=" && order <= 0) ||
              (c.op == "<" && order < 0) || (c.op == "=" && order == 0);
    if (!ok) return false;
  }
  return true;
}

Status check_driver_range(std::string_view range) {
  auto comparators = parse_range(range);
  if (!comparators) return tl::unexpected(comparators.error());
  return {};
}

bool compute_in_range(std::string_view range, std::string_view compute) {
  if (!compute.empty()) return driver_in_range(range, compute);
  // Unknown: newer than the table, so every lower bound holds and no upper bound does.
  auto comparators = parse_range(range, "gpu_compute");
  return comparators && std::all_of(comparators->begin(), comparators->end(),
                                    [](const Comparator& c) { return c.op == ">=" || c.op == ">"; });
}

Status check_compute_range(std::string_view range) {
  auto comparators = parse_range(range, "gpu_compute");
  if (!comparators) return tl::unexpected(comparators.error());
  for (const Comparator& c : *comparators) {
    if (c.version.size() > 2) {
      return fail(ErrorKind::failure, "malformed gpu_compute range '{}': a compute capability is major.minor (8.9)",
                  range);
    }
  }
  return {};
}

bool gfx_in_list(const std::vector<std::string>& list, const std::vector<std::string>& targets) {
  if (targets.empty()) return true;
  return std::any_of(targets.begin(), targets.end(), [&](const std::string& target) { return contains(list, target); });
}

bool backend_runs_on(std::string_view backend, std::optional<tuple::GpuVendor> gpu) {
  if (auto owner = tuple::vendor_of_backend(backend)) return gpu == owner;
  if (backend == "vulkan") return gpu && *gpu != tuple::GpuVendor::none;
  return true;
}

}  // namespace tailor::recipe
