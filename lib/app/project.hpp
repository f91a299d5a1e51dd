#pragma once
// Projects (docs/projects.md): `tailor resolve` plans every tool of tailor.toml for every
// target of its lock and writes tailor.lock; `--check`, `install --locked` and `fetch --lock`
// read it back. Every target is planned from its own facts alone, as for another machine,
// so the lock is the same whichever machine makes it.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/install.hpp"
#include "app/plan_session.hpp"
#include "project/project_file.hpp"
#include "project/project_lock.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::app {

struct ResolveRequest {
  std::filesystem::path start = ".";  // where the project file is looked for
  std::vector<std::string> targets;   // --target, besides [lock] targets and this machine
  std::string registry;               // --registry
  bool offline = false;
  bool refresh = false;
  bool check = false;  // --check: compare only, write nothing
};

struct ResolveReport {
  std::filesystem::path lock_path;
  project::ProjectLock lock;          // what was written (or, with --check, what is there)
  bool written = false;               // the file changed
  std::vector<std::string> problems;  // --check: why the lock is out of date (empty: it is not)
};

// This machine's facts (flags of the environment, TAILOR_FACTS, TAILOR_SYSROOT apply).
Result<platform::Facts> machine_facts(const SessionSeams& seams = default_seams());

// Every target a lock of `project` holds: [lock] targets, `extra` and this machine's.
Result<std::vector<std::string>> lock_targets(const project::ProjectFile& project,
                                              const std::vector<std::string>& extra, const platform::Facts& machine);

// Plans and writes tailor.lock; with `check`, compares the lock with tailor.toml instead
// (no network) and reports what is out of date.
Result<ResolveReport> resolve_project(const ResolveRequest& request, const util::Output& output,
                                      const SessionSeams& seams = default_seams());

// Why `lock` no longer answers for `project` and `targets` (empty: it does).
std::vector<std::string> lock_problems(const project::ProjectFile& project, const project::ProjectLock& lock,
                                       const std::vector<std::string>& targets);

// The lock's plans for `target` (nullopt: this machine's), one per tool in tool order, after
// checking that the lock exists and matches tailor.toml. A missing or stale lock, or one
// without an entry for the target, is ErrorKind::failure with what to run.
struct LockedPlans {
  std::string target;
  std::vector<plan::Plan> plans;  // each entry's JSON checked (install::check_plan_fields) and read once
};
Result<LockedPlans> locked_plans(const project::ProjectFile& project, const platform::Facts& machine,
                                 const std::optional<std::string>& target = std::nullopt);

// The same for a lock without its tailor.toml (one pulled from a registry, docs/fleets.md):
// every tool the lock holds, in tool order, for `target` (nullopt: the one that covers this
// machine). A lock without that target, or a tool without an entry for it, is
// ErrorKind::failure; `origin` names the lock in messages.
Result<LockedPlans> lock_plans(const project::ProjectLock& lock, const platform::Facts& machine,
                               const std::optional<std::string>& target, const std::string& origin);

// `tailor install` without tool names: the project's tools, or with `locked` exactly the
// lock's plans for this machine (downloaded together, then installed at once, each tool's
// commit under the install lock).
struct ProjectInstallRequest {
  InstallRequest install;  // shared flags; `tools` is filled from the project
  std::filesystem::path start = ".";
  bool locked = false;
  // With `locked`: oci://HOST[:PORT]/NAMESPACE:TAG, the lock pushed there by `tailor mirror
  // push --lock` (no project file needed), its artifacts fetched from that repository.
  std::string mirror;
};
Result<InstallReport> install_project(const ProjectInstallRequest& request, const util::Output& output,
                                      const SessionSeams& seams = default_seams());

}  // namespace tailor::app
