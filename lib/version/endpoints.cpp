#include "version/endpoints.hpp"

#include <cstdlib>

namespace tailor::version {

Endpoints endpoints_from_environment() {
  Endpoints e;
  auto apply = [](std::string& field, const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return;
    field = value;
    while (field.size() > 1 && field.back() == '/') field.pop_back();
  };
  apply(e.github_api, "TAILOR_GITHUB_API");
  apply(e.homebrew_api, "TAILOR_HOMEBREW_API");
  apply(e.ghcr, "TAILOR_GHCR");
  apply(e.npm, "TAILOR_NPM_REGISTRY");
  apply(e.pypi, "TAILOR_PYPI");
  apply(e.crates_io, "TAILOR_CRATES_IO");
  apply(e.rubygems, "TAILOR_RUBYGEMS");
  apply(e.goproxy, "TAILOR_GOPROXY");
  apply(e.go_dl, "TAILOR_GO_DL");
  apply(e.nodejs_dist, "TAILOR_NODEJS_DIST");
  return e;
}

}  // namespace tailor::version
