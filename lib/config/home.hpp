#pragma once
// Where tailor keeps its state: $TAILOR_HOME, default ~/.tailor (docs/home-layout.md).
#include <filesystem>

namespace tailor::config {

// $TAILOR_HOME when set and non-empty, else $HOME/.tailor.
std::filesystem::path tailor_home();

}  // namespace tailor::config
