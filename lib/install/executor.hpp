#pragma once
// Executes a plan (docs/plan-format.md) so that each tool ends up either fully
// installed and verified or not installed at all (docs/install.md, "The install flow" and "Crashes"):
// dependencies first in plan order, work in tmp/, one rename into tools/, links switched by
// rename, verify, then state written last.
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fetch/downloader.hpp"
#include "install/commit_gate.hpp"
#include "install/extract.hpp"
#include "install/layout.hpp"
#include "install/runnable.hpp"
#include "plan/plan_model.hpp"
#include "recipe/registry.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct InstallOptions {
  bool force = false;        // reinstall a version that is already installed
  bool keep_failed = false;  // a build that fails verify is kept, unlinked, as tools/<name>-<version>.failed
  std::string requested;     // what the user typed for the root tool ("", "latest", "1.2")
  std::string source = "plan";
  fetch::Downloader* downloader = nullptr;
  ExtractLimits limits;
  // Set for a backend switch: the root replaces its installed version. The new build is staged
  // beside the old one, verified and handed to this check there, and swapped in by rename only
  // when both pass; until then the old build stays in place and in use.
  // `path_dirs` is the PATH the build's verify ran with (its own directories first).
  using SwitchCheck =
      std::function<Status(const std::filesystem::path& staged, const std::vector<std::string>& path_dirs)>;
  SwitchCheck switch_check;
  // This machine, for the check that each build can run here before it is linked (docs/install.md,
  // "Can the build run here?"); nullopt skips the check.
  std::optional<RunHost> run_host;
  // Receives why a build was refused by that check (the backend ladder then tries the next rung).
  std::string* cannot_run = nullptr;
  // Where each tool's recipe came from (by tool name), recorded in the state with its version.
  std::map<std::string, recipe::Provenance> provenance;
  // Set when several plans install at once (install_plans_at_once): each tool places and
  // records its build in one turn of the gate, the only time this install holds the install
  // lock, and is verified in its work directory before it (docs/install.md, "Several tools at
  // once").
  CommitGate* commit_gate = nullptr;
  // With install_plans_at_once: the downloads the tools' steps use, still running while the
  // tools extract and verify. No commit starts before they have all succeeded; when they fail,
  // that failure is the install's and nothing was committed.
  std::shared_future<Status> downloads_checked;
  // Where work directories are made; empty: tmp/.
  std::filesystem::path work_root;
  // Package registries of ecosystem steps by ecosystem ("npm", "pypi"): config.toml's
  // `ecosystem.*` keys (ecosystem_registries()); an absent one is the public default.
  std::map<std::string, std::string> ecosystem_registries;
};

struct InstallOutcome {
  std::vector<std::string> installed;  // "name@version" in install order
  std::vector<std::string> skipped;    // already installed
};

// Runs the whole plan. The caller holds the install lock and has run recover_home, or gives a
// commit gate that takes the lock for each commit (and ran recover_home under it first).
Result<InstallOutcome> execute_plan(const Layout& layout, const plan::Plan& plan, const InstallOptions& options,
                                    const util::Output& output);

}  // namespace tailor::install
