#pragma once
// Where tailor keeps its state: $TAILOR_HOME, default ~/.tailor (platform-and-install.md §6.1).
#include <filesystem>

namespace tailor::config {

// $TAILOR_HOME when set and non-empty, else $HOME/.tailor.
std::filesystem::path tailor_home();

}  // namespace tailor::config
