#pragma once
// Start-up recovery after a crash (platform-and-install.md §6.8): run under the install lock
// before any mutation.
#include "install/layout.hpp"
#include "util/output.hpp"

namespace tailor::install {

// Clears tmp/, puts back the committed build of an interrupted backend switch, deletes
// tools/.*.staging, puts back tools/.*.previous directories whose live directory is missing
// (and deletes the others), and drops half-made bin/ links.
void recover_home(const Layout& layout, const util::Output& output);

}  // namespace tailor::install
