#include "install/pause.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cstdlib>

#include <iostream>

namespace tailor::install {

void pause_point(std::string_view point) {
  const char* wanted = std::getenv("TAILOR_TEST_PAUSE_AT");
  if (wanted == nullptr || point != wanted) return;
  std::cerr << "paused at " << point << " (TAILOR_TEST_PAUSE_AT)" << std::endl;
  if (const char* marker = std::getenv("TAILOR_TEST_PAUSE_MARKER"); marker != nullptr && *marker != '\0') {
    int fd = ::open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) ::close(fd);
  }
  ::sleep(120);
}

}  // namespace tailor::install
