#pragma once
// `tailor verify`: re-checks installed versions (docs/user-guide.md, "Checking installed
// tools"). Each version checked gets one verdict: ok, or its problems and the command that
// fixes them.
#include <optional>
#include <string>
#include <vector>

#include "install/layout.hpp"
#include "install/runnable.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct VerifyRequest {
  std::string tool;                    // "" = every visible tool
  std::optional<std::string> version;  // NAME@VERSION: that version, active or not
  bool all = false;                    // every installed version, inactive and hidden ones too
};

struct VerifyVerdict {
  std::string tool, version;
  bool active = false;
  std::vector<std::string> problems;  // empty when the version is fine; each without the tool@version prefix
  std::string fix;                    // the command that repairs it, when there are problems
  bool ok() const { return problems.empty(); }
};

// Checks the selected versions: recorded binaries unchanged (sha256), runnable on `host` when
// given (install/runnable.hpp), the stored plan's verify command, and for an active version its
// links in bin/. A tool or version that is not installed is ErrorKind::verify; problems found
// are verdicts, not errors.
Result<std::vector<VerifyVerdict>> verify_installed(const Layout& layout, const VerifyRequest& request,
                                                    const std::optional<RunHost>& host = std::nullopt);

}  // namespace tailor::install
