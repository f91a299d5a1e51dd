#pragma once
// The seam through which planning captures an ecosystem composite's lock data (docs/install.md,
// "Lock data captured at plan time"): `npm_install` becomes `npm_exec` with the package-lock
// its toolchain resolves. Planning stays free of processes; lib/install implements the seam.
#include <string>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace tailor::plan {

struct EcosystemLockRequest {
  std::string action;     // the composite ("npm_install")
  std::string tool;       // the recipe being planned
  std::string version;    // its resolved version: the package version to lock
  nlohmann::json params;  // the recipe step's parameters
};

class EcosystemLocker {
 public:
  virtual ~EcosystemLocker() = default;
  // The parameters of the primitive step (npm_exec for npm_install), lock data included.
  virtual Result<nlohmann::json> capture(const EcosystemLockRequest& request) const = 0;
};

}  // namespace tailor::plan
