#include "version/python_rules.hpp"

#include <array>
#include <cctype>

#include "util/strings.hpp"
#include "version/version_compare.hpp"

namespace tailor::version {

std::vector<PypiRelease> pypi_releases(const nlohmann::json& document) {
  std::vector<PypiRelease> out;
  if (!document.is_object() || !document.contains("releases") || !document["releases"].is_object()) return out;
  for (const auto& [version, files] : document["releases"].items()) {
    PypiRelease release{version, false, ""};
    if (files.is_array() && !files.empty()) {
      release.yanked = true;
      for (const auto& file : files) {
        if (!file.is_object() || !file.value("yanked", false)) release.yanked = false;
        if (release.requires_python.empty() && file.is_object() && file.contains("requires_python") &&
            file["requires_python"].is_string()) {
          release.requires_python = file["requires_python"].get<std::string>();
        }
      }
    }
    out.push_back(release);
  }
  return out;
}

bool is_pep440_prerelease(std::string_view version) {
  static constexpr std::array<std::string_view, 8> k_markers{"a", "b", "rc", "c", "alpha", "beta", "pre", "preview"};
  std::string lower = util::to_lower(version);
  for (std::size_t i = 0; i < lower.size();) {
    if (!std::isalpha(static_cast<unsigned char>(lower[i]))) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < lower.size() && std::isalpha(static_cast<unsigned char>(lower[end]))) ++end;
    std::string_view word(lower.data() + i, end - i);
    bool followed_ok = end == lower.size() || std::isdigit(static_cast<unsigned char>(lower[end]));
    for (auto marker : k_markers) {
      if (word == marker && followed_ok) return true;
    }
    i = end;
  }
  return false;
}

bool python_admits(std::string_view specifier, std::string_view python) {
  for (const auto& raw : util::split(specifier, ',')) {
    std::string clause(util::trim(raw));
    if (clause.empty()) continue;
    std::string op;
    for (const char* candidate : {"===", "~=", "==", "!=", "<=", ">=", "<", ">"}) {
      if (clause.rfind(candidate, 0) == 0) {
        op = candidate;
        break;
      }
    }
    std::string target(util::trim(std::string_view(clause).substr(op.size())));
    if (op.empty() || target.empty()) continue;  // not a clause we understand: do not exclude on it
    bool wildcard = target.size() > 2 && target.compare(target.size() - 2, 2, ".*") == 0;
    if (wildcard) target.resize(target.size() - 2);
    int c = compare_versions(python, target);
    bool ok = true;
    if (op == "==" || op == "===")
      ok = wildcard ? matches_pin(python, target) || python == target : c == 0;
    else if (op == "!=")
      ok = wildcard ? !matches_pin(python, target) : c != 0;
    else if (op == "<=")
      ok = c <= 0;
    else if (op == ">=")
      ok = c >= 0;
    else if (op == "<")
      ok = c < 0;
    else if (op == ">")
      ok = c > 0;
    else if (op == "~=") {
      auto parts = util::split(target, '.');
      parts.pop_back();
      ok = c >= 0 && (parts.empty() || matches_pin(python, util::join(parts, ".")));
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace tailor::version
