#pragma once
// Which installed version of a tool is active, and which old ones stay: `tailor rollback`,
// `tailor activate` and `tailor remove --keep-latest` (docs/user-guide.md, "Keeping tools
// current"). Each runs under the install lock, with state.json as the commit point.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "install/layout.hpp"
#include "install/operations.hpp"
#include "install/state.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct Activation {
  std::string tool;
  std::string from;      // the version active before
  std::string to;        // the version active now
  bool changed = false;  // false: `to` was active already
};

// Makes `version` of `tool` active; nullopt = its previous version (rollback). state.json is
// written first (the version that was active becomes the previous one, so a second rollback
// returns), then each bin/ link is switched by rename; recovery re-applies the links from
// the state after a crash in between. Fails with ErrorKind::failure, changing nothing, when
// the tool or the version is not installed or there is no previous version to return to.
Result<Activation> activate_version(const Layout& layout, const std::string& tool,
                                    const std::optional<std::string>& version, const LockOptions& lock,
                                    const util::Output& output);

// The versions `remove --keep-latest keep` removes from `tool`: all but its `keep` newest
// (version order), never the active one. Oldest first.
std::vector<std::string> versions_to_prune(const InstalledTool& tool, std::size_t keep);

// Removes versions_to_prune of `tool` (every visible tool when nullopt) under one install
// lock, sending a remove event per version. Returns the removed "name@version" labels.
Result<std::vector<std::string>> prune_versions(const Layout& layout, const std::optional<std::string>& tool,
                                                std::size_t keep, const LockOptions& lock, const util::Output& output);

}  // namespace tailor::install
