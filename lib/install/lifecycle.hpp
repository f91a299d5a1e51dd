#pragma once
// What happens to installed tools after install: remove and list (docs/install.md, "Commands");
// verify is install/verify_installed.hpp.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "install/layout.hpp"
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
  bool previous = false;  // the version `tailor rollback` returns to
  std::string installed_at;
  std::vector<std::string> binaries;
};

// Installed versions sorted by name then version; hidden dependencies only with `all`.
// Entries whose directory is missing are skipped with a warning.
Result<std::vector<ListedVersion>> list_tools(const Layout& layout, bool all, const util::Output& output);
nlohmann::ordered_json listing_to_json(const std::vector<ListedVersion>& listing);

}  // namespace tailor::install
