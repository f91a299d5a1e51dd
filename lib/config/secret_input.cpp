#include "config/secret_input.hpp"

#include <termios.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace tailor::config {

Result<std::string> read_secret_line(int fd, const util::Output& output, const std::string& prompt) {
  termios saved{};
  const bool terminal = ::isatty(fd) == 1 && ::tcgetattr(fd, &saved) == 0;
  if (terminal) {
    *output.err << prompt << std::flush;
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c = 0;
  for (;;) {
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    line += c;
    if (line.size() > 65536) break;
  }
  if (terminal) {
    ::tcsetattr(fd, TCSAFLUSH, &saved);
    *output.err << '\n';
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.empty()) return fail(ErrorKind::usage, "no secret given on stdin (empty input is refused)");
  return line;
}

}  // namespace tailor::config
