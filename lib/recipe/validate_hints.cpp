// Warnings about redundancy and brittleness (docs/validation.md, "Warnings about redundancy"): shadowed
// dependencies, redundant version configuration, hardcoded versions.
#include <algorithm>
#include <map>
#include <regex>

#include "recipe/actions.hpp"
#include "recipe/validate_internal.hpp"

namespace tailor::recipe::detail {
namespace {

std::string strip_version(const std::string& entry) { return entry.substr(0, entry.find('@')); }

// Dependency entries of a step parameter: a string or an array of strings.
std::vector<std::string> param_list(const Step& step, std::string_view key) {
  std::vector<std::string> out;
  const nlohmann::json* value = param(step, key);
  if (value == nullptr) return out;
  if (value->is_string()) out.push_back(value->get<std::string>());
  if (value->is_array())
    for (const auto& e : *value)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

std::string shadow_message(const std::string& name, std::string_view action) {
  return fmt::format("dependency '{}' is already inherited from action '{}' (remove this redundant declaration)", name,
                     action);
}

// True for a dotted-quad IPv4 address such as 127.0.0.1.
bool is_ipv4(std::string_view host) {
  static const std::regex k_ipv4(R"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})");
  return std::regex_match(host.begin(), host.end(), k_ipv4);
}

// `value` with the host of a URL blanked out when it is an IP address (`https://127.0.0.1:8443/…`,
// `http://[::1]/…`): its dotted numbers are an address, not a version. Offsets are kept, so a
// match in the result is at the same place in `value`.
std::string without_ip_host(std::string value) {
  const size_t scheme = value.find("://");
  if (scheme == std::string::npos) return value;
  size_t begin = scheme + 3;
  const size_t end = std::min(value.find_first_of("/?#", begin), value.size());
  if (size_t at = value.rfind('@', end); at != std::string::npos && at >= begin) begin = at + 1;
  size_t host_end = 0;
  if (begin < end && value[begin] == '[') {
    host_end = value.find(']', begin);
    if (host_end == std::string::npos || host_end >= end) return value;
    ++host_end;
  } else {
    host_end = std::min(value.find(':', begin), end);
    if (!is_ipv4(std::string_view(value).substr(begin, host_end - begin))) return value;
  }
  std::fill(value.begin() + static_cast<std::ptrdiff_t>(begin), value.begin() + static_cast<std::ptrdiff_t>(host_end),
            'x');
  return value;
}

// A version written into a field, and where in the field it starts.
struct HardcodedVersion {
  std::string text;
  size_t offset = 0;
};

// The version a hardcoded-version regex finds in `value` (docs/recipe-authoring.md, "Actions": placeholders), or an
// empty text.
HardcodedVersion hardcoded_version(const std::string& original) {
  if (original.empty() || original.find("{version}") != std::string::npos ||
      original.find("{version_tag}") != std::string::npos)
    return {};
  const std::string value = without_ip_host(original);
  static const std::regex k_exclusions[] = {std::regex(R"(/api/v\d+/)"), std::regex(R"(x86_64|aarch64|arm64|i686)"),
                                            std::regex(R"(python[23]|go1\.\d+|ncursesw?\d+-config)"),
                                            std::regex(R"(\.so\.\d+(\.\d+)*$)"), std::regex(R"(\.\d+\.dylib$)")};
  static const std::regex k_versions[] = {
      std::regex(
          R"(\b([vV]?\d+\.\d+\.\d+(?:-[a-zA-Z0-9]+(?:\.[a-zA-Z0-9]+)*)?(?:\+[a-zA-Z0-9]+(?:\.[a-zA-Z0-9]+)*)?)(?:\.tar|\.zip|\.gz|\.tgz|\s|/|$))"),
      std::regex(R"(\b([vV]?\d+\.\d+\.\d+)\b)"), std::regex(R"(\b(20\d{2}\.\d{2}(?:\.\d{2})?)\b)"),
      std::regex(R"(\b([vV]?\d+\.\d+)\b)")};
  // Cheap pre-filter: every version regex needs a digit, a dot and another digit.
  bool digit_dot = false;
  for (size_t i = 1; i + 1 < value.size() && !digit_dot; ++i)
    digit_dot = value[i] == '.' && std::isdigit(static_cast<unsigned char>(value[i - 1])) &&
                std::isdigit(static_cast<unsigned char>(value[i + 1]));
  if (!digit_dot) return {};
  for (const std::regex& exclusion : k_exclusions)
    if (std::regex_search(value, exclusion)) return {};
  for (const std::regex& version : k_versions) {
    std::smatch match;
    if (!std::regex_search(value, match, version)) continue;
    std::string found = match[1].str();
    if (found.size() < 4 && value.find("-" + found) == std::string::npos &&
        value.find(found + "-") == std::string::npos)
      continue;
    return {std::move(found), static_cast<size_t>(match.position(1))};
  }
  return {};
}

// `value` with the version found in it replaced by `{version}`.
std::string with_placeholder(std::string value, const HardcodedVersion& found) {
  return value.replace(found.offset, found.text.size(), "{version}");
}

// Module inference of a go_install step (docs/validation.md, "Warnings about redundancy").
std::string inferred_module(const std::string& path) {
  if (path.starts_with("github.com/")) {
    size_t slashes = 0;
    for (size_t i = 0; i < path.size(); ++i)
      if (path[i] == '/' && ++slashes == 3) return path.substr(0, i);
    return path;
  }
  size_t cmd = path.find("/cmd/");
  if (cmd != std::string::npos && cmd > 0) return path.substr(0, cmd);
  return path;
}

}  // namespace

void check_shadowed_dependencies(Checker& c) {
  const Recipe& r = c.recipe();
  std::map<std::string, std::string_view> install, runtime;  // dependency -> first declaring action
  for (const Step& step : r.steps) {
    const ActionInfo* info = find_action(step.action);
    if (info == nullptr) continue;
    for (auto dep : info->install_deps) install.emplace(std::string(dep), info->name);
    for (auto dep : info->runtime_deps) runtime.emplace(std::string(dep), info->name);
  }
  auto check = [&](const std::vector<std::string>& list, const std::map<std::string, std::string_view>& inherited,
                   const std::string& at) {
    for (size_t k = 0; k < list.size(); ++k) {
      const std::string name = strip_version(list[k]);
      if (auto it = inherited.find(name); it != inherited.end())
        c.warning("dependencies", shadow_message(name, it->second), fmt::format("{}[{}]", at, k));
    }
  };
  check(r.metadata.dependencies, install, "metadata.dependencies");
  check(r.metadata.runtime_dependencies, runtime, "metadata.runtime_dependencies");
  check(r.metadata.extra_dependencies, install, "metadata.extra_dependencies");
  check(r.metadata.extra_runtime_dependencies, runtime, "metadata.extra_runtime_dependencies");
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const Step& step = r.steps[i];
    const ActionInfo* info = find_action(step.action);
    if (info == nullptr) continue;
    std::map<std::string, std::string_view> own_install, own_runtime;
    for (auto dep : info->install_deps) own_install.emplace(std::string(dep), info->name);
    for (auto dep : info->runtime_deps) own_runtime.emplace(std::string(dep), info->name);
    const std::string prefix = fmt::format("steps[{}].", i);
    check(param_list(step, "extra_dependencies"), own_install, prefix + "extra_dependencies");
    check(param_list(step, "runtime_dependencies"), own_runtime, prefix + "runtime_dependencies");
    check(param_list(step, "extra_runtime_dependencies"), own_runtime, prefix + "extra_runtime_dependencies");
  }
}

void check_redundant_version(Checker& c) {
  const Recipe& r = c.recipe();
  const VersionSection& v = r.version;
  static const std::map<std::string_view, std::string_view> k_inferred{
      {"cargo_install", "crates_io"},     {"pipx_install", "pypi"},     {"npm_install", "npm"},
      {"gem_install", "rubygems"},        {"cpan_install", "metacpan"}, {"github_archive", "github_releases"},
      {"github_file", "github_releases"}, {"go_install", "goproxy"}};
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const Step& step = r.steps[i];
    const std::string& a = step.action;
    if (!v.github_repo.empty() && v.tag_prefix.empty() && (a == "github_archive" || a == "github_file") &&
        param_string(step, "repo") == v.github_repo) {
      c.warning("version",
                fmt::format("github_repo '{}' is redundant; it is inferred from step {} ({})", v.github_repo, i + 1, a),
                "version.github_repo");
    }
    if (!v.module.empty() && a == "go_install" && inferred_module(param_string(step, "module")) == v.module) {
      c.warning("version",
                fmt::format("module '{}' is redundant; it is inferred from step {} (go_install)", v.module, i + 1),
                "version.module");
    }
    if (v.source == "homebrew" && a == "homebrew" && param_string(step, "formula") == v.formula) {
      c.warning("version",
                fmt::format("source = \"homebrew\" is redundant; it is inferred from step {} (homebrew)", i + 1),
                "version.source");
    }
    if (auto it = k_inferred.find(a); !v.source.empty() && it != k_inferred.end() && v.source == it->second) {
      c.warning("version",
                fmt::format("source = \"{}\" is redundant; it is inferred from step {} ({})", v.source, i + 1, a),
                "version.source");
    }
  }
}

void check_hardcoded_versions(Checker& c) {
  const Recipe& r = c.recipe();
  auto flag = [&](size_t i, const Step& step, const std::string& label, const std::string& value) {
    const HardcodedVersion found = hardcoded_version(value);
    if (found.text.empty()) return;
    const std::string field = fmt::format("steps[{}].{}", i, label);
    c.warning(field, fmt::format("step {} ({}): field '{}' contains hardcoded version '{}'; use '{}' instead", i + 1,
                                 step.action, label, found.text, with_placeholder(value, found)));
  };
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const Step& step = r.steps[i];
    const std::string& a = step.action;
    if (a == "download" || a == "download_archive") {
      flag(i, step, "url", param_string(step, "url"));
      if (const nlohmann::json* fallbacks = param(step, "fallback_urls");
          fallbacks != nullptr && fallbacks->is_array()) {
        for (size_t k = 0; k < fallbacks->size(); ++k)
          if ((*fallbacks)[k].is_string())
            flag(i, step, fmt::format("fallback_urls[{}]", k), (*fallbacks)[k].get<std::string>());
      }
      flag(i, step, "checksum_url", param_string(step, "checksum_url"));
    } else if (a == "github_archive" || a == "github_file") {
      flag(i, step, "asset_pattern", param_string(step, "asset_pattern"));
    } else if (a == "extract") {
      flag(i, step, "archive", param_string(step, "archive"));
    } else if (a == "configure_make" || a == "cmake_build" || a == "meson_build" || a == "cargo_build" ||
               a == "go_build") {
      flag(i, step, "source_dir", param_string(step, "source_dir"));
    }
  }
  if (r.version.source.empty() && r.version.github_repo.empty() && r.version.fossil_repo.empty()) return;
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const Step& step = r.steps[i];
    if (!recipe::is_action(step.action, recipe::ActionKind::download_file)) continue;
    const std::string url = param_string(step, "url");
    const HardcodedVersion found = hardcoded_version(url);
    if (found.text.empty()) continue;
    c.warning(fmt::format("steps[{}].url", i),
              fmt::format("step {} (download_file): url contains version '{}' although the recipe resolves versions "
                          "dynamically; use the download action with url '{}'",
                          i + 1, found.text, with_placeholder(url, found)));
  }
}

}  // namespace tailor::recipe::detail
