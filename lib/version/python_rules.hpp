#pragma once
// PyPI release rules for pipx installs (docs/versions.md, "Providers"): yanked releases,
// PEP 440 pre-releases and `requires_python`.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tailor::version {

struct PypiRelease {
  std::string version;
  bool yanked = false;          // every file yanked (a release without files is not)
  std::string requires_python;  // of the first file that states one
};

// The releases of a PyPI JSON document (`releases` object), in document order.
std::vector<PypiRelease> pypi_releases(const nlohmann::json& document);

// `a`, `b`, `rc`, `c`, `alpha`, `beta`, `pre`, `preview` followed by a digit or the end.
bool is_pep440_prerelease(std::string_view version);

// Whether the specifier set (`>=3.8,<4`, `!=3.0.*`, `~=3.9`) admits Python `major.minor`;
// an empty specifier admits every version.
bool python_admits(std::string_view specifier, std::string_view python);

}  // namespace tailor::version
