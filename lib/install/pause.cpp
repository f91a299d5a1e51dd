#include "install/pause.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <iostream>

#include "config/environment.hpp"

namespace tailor::install {

void pause_point(std::string_view point) {
  auto wanted = config::env_value(config::EnvVar::tailor_test_pause_at);
  if (!wanted || point != *wanted) return;
  std::cerr << "paused at " << point << " (TAILOR_TEST_PAUSE_AT)" << std::endl;
  if (auto marker = config::env_value(config::EnvVar::tailor_test_pause_marker); marker && !marker->empty()) {
    int fd = ::open(marker->c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) ::close(fd);
  }
  ::sleep(120);
}

}  // namespace tailor::install
