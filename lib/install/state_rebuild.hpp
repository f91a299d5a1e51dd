#pragma once
// `tailor state rebuild` (docs/home-layout.md, "Rebuilding the state"): writes state.json again
// from the install records in tools/<name>-<version>/.tailor/receipt.json.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "install/layout.hpp"
#include "install/operations.hpp"
#include "install/state.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

// A directory under tools/ that the rebuilt state does not record, and why.
struct UnrecordedDir {
  std::filesystem::path dir;
  std::string reason;
};

struct StateRebuild {
  State state;
  std::vector<UnrecordedDir> unrecorded;
  bool written = false;
  ReplacedState replaced = ReplacedState::none;  // what became of the old state.json
};

// The state the receipts describe: every tools/<name>-<version> whose receipt carries an install
// record for that name and version. The active version of a tool is the one bin/ links point
// into, else the most recently installed; required_by follows the install_dependencies of the
// other tools; is_explicit holds when any version was installed explicitly. Anything else under
// tools/ not starting with '.' is listed in `unrecorded`; nothing is changed or deleted.
StateRebuild state_from_receipts(const Layout& layout);

struct RebuildOptions {
  bool dry_run = false;  // build and report, write nothing, take no lock
  bool force = false;    // replace a state.json that can still be read
  LockOptions lock;
};

// Under the install lock (no recovery runs: it would decide from the state being replaced),
// builds the state from the receipts and writes it: a readable state.json becomes
// state.json.prev, an unreadable one state.json.damaged. A readable state.json is only
// replaced with `force`.
Result<StateRebuild> rebuild_state(const Layout& layout, const RebuildOptions& options, const util::Output& output);

// {dry_run, written, state_file, kept_as, recorded[{name, version, active}], unrecorded[{path,
// reason}], state} as `tailor state rebuild --json` prints it.
nlohmann::ordered_json rebuild_to_json(const Layout& layout, const StateRebuild& rebuild, bool dry_run);

}  // namespace tailor::install
