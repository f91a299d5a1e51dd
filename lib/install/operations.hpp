#pragma once
// The mutating operations as commands run them: take the install lock
// (docs/lock-and-events.md, "The install lock"), recover from an earlier crash, then act.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "coord/events.hpp"
#include "coord/lock.hpp"
#include "install/executor.hpp"
#include "install/layout.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct LockOptions {
  std::optional<std::chrono::milliseconds> timeout;  // empty: the lock module's default
  std::string token;                                 // reservation token; empty: $TAILOR_LOCK_TOKEN
};

// The lock options of --lock-token and --lock-timeout (empty: the default wait).
Result<LockOptions> lock_options(std::string token, std::string_view timeout_text);

// Takes the install lock (ensuring the layout first), refuses a state.json that cannot be read,
// then recovers from an earlier crash. Every mutating operation starts here.
Result<coord::InstallLock> lock_home(const Layout& layout, const LockOptions& lock, const util::Output& output);

// Sends lifecycle events; after the lock is released, so a hook may run tailor itself.
void emit_events(const Layout& layout, const std::vector<coord::Event>& events, const util::Output& output);

// Executes each plan, in order, under one install lock held throughout. With several plans a
// failure of one does not stop the others; the result is then ErrorKind::partial.
Result<InstallOutcome> install_plans(const Layout& layout, const std::vector<plan::Plan>& plans,
                                     const InstallOptions& options, const LockOptions& lock,
                                     const util::Output& output);

// A project's plans at once (docs/install.md, "Several tools at once"): the install lock is
// taken to recover the home, then only for each tool's commit (placing its verified build,
// state.json, links); downloads, extraction and verification run without it, up to `jobs`
// plans at a time when no tool is shared by two plans' trees, else in order. Failures are
// reported as by install_plans.
Result<InstallOutcome> install_plans_at_once(const Layout& layout, const std::vector<plan::Plan>& plans,
                                             const InstallOptions& options, const LockOptions& lock,
                                             const util::Output& output, size_t jobs);

Result<std::vector<std::string>> remove_tools(const Layout& layout, const std::string& tool,
                                              const std::optional<std::string>& version, bool force,
                                              const LockOptions& lock, const util::Output& output);

}  // namespace tailor::install
