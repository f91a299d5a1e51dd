#include <sys/syscall.h>
#include <unistd.h>

#include "util/process_exit.hpp"

namespace tailor::util {

int open_exit_descriptor(int pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // -1 (ENOSYS) before Linux 5.3
#else
  (void)pid;
  return -1;
#endif
}

}  // namespace tailor::util
