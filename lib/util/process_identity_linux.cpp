#include <unistd.h>

#include <fstream>
#include <sstream>

#include "util/process_identity.hpp"

namespace tailor::util {
namespace {

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

struct StatLine {
  char state = '?';
  uint64_t start_time = 0;
};

// /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so the
// fields are counted from the last ')'. starttime is field 22, state field 3.
std::optional<StatLine> read_stat(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  StatLine out;
  std::string skipped;
  fields >> out.state;
  for (int field = 4; field < 22 && fields; ++field) fields >> skipped;
  if (!(fields >> out.start_time)) return std::nullopt;
  return out;
}

}  // namespace

std::optional<ProcessIdentity> current_process_identity() {
  auto stat = read_stat("self");
  std::string boot = boot_id();
  if (!stat || boot.empty()) return std::nullopt;
  return ProcessIdentity{static_cast<int64_t>(::getpid()), stat->start_time, boot};
}

ProcessLiveness process_liveness(const ProcessIdentity& identity) {
  std::string boot = boot_id();
  if (boot.empty() || identity.boot_id.empty() || identity.pid <= 0) return ProcessLiveness::unknown;
  if (identity.boot_id != boot) return ProcessLiveness::dead;  // no process outlives a reboot
  if (!read_stat("self")) return ProcessLiveness::unknown;     // /proc is not what it should be
  auto stat = read_stat(std::to_string(identity.pid));
  if (!stat) return ProcessLiveness::dead;
  if (stat->start_time != identity.start_time || stat->state == 'Z' || stat->state == 'X') {
    return ProcessLiveness::dead;
  }
  return ProcessLiveness::alive;
}

}  // namespace tailor::util
