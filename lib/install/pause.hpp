#pragma once
// A test-only hook: when TAILOR_TEST_PAUSE_AT names `point`, tailor announces it (on stderr
// and by creating $TAILOR_TEST_PAUSE_MARKER when set) and sleeps, so a test can SIGKILL it
// at that exact moment of an install. Points: before_extract, during_extract, before_rename,
// before_swap (a backend switch, after its checks), before_state.
#include <string_view>

namespace tailor::install {

void pause_point(std::string_view point);

}  // namespace tailor::install
