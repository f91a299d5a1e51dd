#pragma once
// What happens to installed tools after install: remove, list and verify
// (docs/install.md, "Commands").
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "install/layout.hpp"
#include "install/runnable.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

// Removes one version (`version` set) or every version of `tool`, then dependencies nothing
// else needs. A tool still required by others fails with ErrorKind::system_deps unless
// `force`. The caller holds the install lock. Returns the removed "name@version" labels.
Result<std::vector<std::string>> remove_tool(const Layout& layout, const std::string& tool,
                                             const std::optional<std::string>& version, bool force,
                                             const util::Output& output);

struct ListedVersion {
  std::string tool, version;
  bool active = false;
  bool hidden = false;
  std::string installed_at;
  std::vector<std::string> binaries;
};

// Installed versions sorted by name then version; hidden dependencies only with `all`.
// Entries whose directory is missing are skipped with a warning.
Result<std::vector<ListedVersion>> list_tools(const Layout& layout, bool all, const util::Output& output);
nlohmann::ordered_json listing_to_json(const std::vector<ListedVersion>& listing);

// Re-runs the stored plan's verify of the active version of `tool` (every visible tool when
// empty) and checks its binaries against the recorded checksums and, with `host`, that its ELF
// files can run on that machine (install/runnable.hpp). ErrorKind::verify on failure.
Status verify_installed(const Layout& layout, const std::string& tool, const util::Output& output,
                        const std::optional<RunHost>& host = std::nullopt);

}  // namespace tailor::install
