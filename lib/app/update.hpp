#pragma once
// `tailor outdated` and `tailor update` (docs/user-guide.md, "Keeping tools current"): the
// newest version each installed tool's request allows (installed as `ripgrep@14`: the newest
// 14.x), looked up through the version cache, and installing it through install_tools, so an
// update has the whole safety of `install` (planning, backend rules, lock, verification,
// smoke check, events). The version that was active stays installed for `tailor rollback`.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/install.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::app {

struct OutdatedRequest {
  std::vector<std::string> tools;  // installed tool names; empty: every installed tool (not hidden dependencies)
  std::string registry;            // --registry: recipe directory searched first
  bool refresh = false;            // ask the providers even when the version cache is fresh
  bool offline = false;            // answer from the version cache only
};

struct OutdatedTool {
  std::string tool;
  std::string installed;          // the active version
  std::string requested;          // the request it was installed with ("" = the newest)
  std::string newest;             // the newest version the request allows; "" when not known
  std::string backend;            // the backend its install requested ("" = none or auto)
  bool outdated = false;          // newest is newer than installed
  bool newest_installed = false;  // newest is installed already, just not active
  std::string skipped;            // why it was not checked (no version source, not from a recipe)
  std::optional<Error> error;     // why the check failed
};

struct OutdatedReport {
  std::vector<OutdatedTool> tools;  // by name
  // Some answers came from the version cache without asking the provider, whatever their
  // age: with --offline, or once a provider could not be reached.
  bool offline = false;
  std::string offline_reason;    // "--offline", or the error that made it go offline
  int64_t cache_fetched_at = 0;  // Unix seconds of the oldest cached answer used offline
};

Result<OutdatedReport> find_outdated(const OutdatedRequest& request, const util::Output& output);

// The error an outdated report ends with: none when every check answered (outdated or not);
// the shared kind when every checked tool failed for the same kind of reason; else `partial`.
std::optional<Error> outdated_failure(const OutdatedReport& report);

struct UpdateRequest {
  InstallRequest install;          // what every update installs with (lock, --strict-gpu, registry, refresh)
  std::vector<std::string> tools;  // tool names; or all
  bool all = false;
  bool dry_run = false;
};

enum class UpdateStatus {
  updated,       // the newest allowed version was installed and is active
  activated,     // it was installed already and is active now
  up_to_date,    // nothing to do
  would_update,  // --dry-run
  skipped,       // not checked (see OutdatedTool::skipped)
  failed,
};
std::string_view update_status_name(UpdateStatus status);

struct UpdatedTool {
  std::string tool;
  std::string from;  // the version active before
  std::string to;    // the version active after (a dry run: would be)
  UpdateStatus status = UpdateStatus::up_to_date;
  std::string note;  // why skipped; who installed it when another tailor did meanwhile
  std::optional<Error> error;
};

struct UpdateReport {
  std::vector<UpdatedTool> tools;
  OutdatedReport checked;
};

// Checks, then installs each outdated tool on its own (one that fails does not stop the
// next). Two updates at once serialize on the install lock: the second finds the version
// installed and active and reports the tool up to date.
Result<UpdateReport> update_tools(const UpdateRequest& request, const util::Output& output,
                                  const SessionSeams& seams = default_seams());

// As outdated_failure, over the updated tools (install's rules, docs/exit-codes.md).
std::optional<Error> update_failure(const UpdateReport& report);

}  // namespace tailor::app
