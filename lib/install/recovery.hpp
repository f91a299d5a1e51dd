#pragma once
// Start-up recovery after a crash (docs/home-layout.md, "Operation markers"): run under the install lock
// before any mutation. It deletes only what a tailor operation marked and that operation is
// dead (install/operation_marker.hpp); everything else is left alone for find_home_problems.
#include "install/layout.hpp"
#include "util/output.hpp"

namespace tailor::install {

// Clears tmp/, puts back the committed build of an interrupted backend switch, deletes marked
// tools/.*.staging of dead operations, puts back marked tools/.*.previous directories whose live
// directory is missing (and deletes the others), drops half-made bin/ links, deletes version
// directories of dead operations that state.json does not record and removes the marker of
// those it does. Does nothing when tools/, bin/ or tmp/ is a symlink (check_home_dirs).
void recover_home(const Layout& layout, const util::Output& output);

}  // namespace tailor::install
