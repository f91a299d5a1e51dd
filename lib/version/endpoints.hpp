#pragma once
// Base URLs of the version providers; each can be pointed at a mirror through the environment.
#include <string>

namespace tailor::version {

struct Endpoints {
  std::string github_api = "https://api.github.com";          // TAILOR_GITHUB_API
  std::string homebrew_api = "https://formulae.brew.sh/api";  // TAILOR_HOMEBREW_API
  std::string ghcr = "https://ghcr.io";                       // TAILOR_GHCR
  std::string npm = "https://registry.npmjs.org";             // TAILOR_NPM_REGISTRY
  std::string pypi = "https://pypi.org";                      // TAILOR_PYPI
  std::string crates_io = "https://crates.io";                // TAILOR_CRATES_IO
  std::string rubygems = "https://rubygems.org";              // TAILOR_RUBYGEMS
  std::string goproxy = "https://proxy.golang.org";           // TAILOR_GOPROXY
  std::string go_dl = "https://go.dev/dl";                    // TAILOR_GO_DL
  std::string nodejs_dist = "https://nodejs.org/dist";        // TAILOR_NODEJS_DIST
};

// The defaults with every variable above that is set and non-empty applied (trailing `/` removed).
Endpoints endpoints_from_environment();

}  // namespace tailor::version
