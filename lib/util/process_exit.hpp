#pragma once
// How util/process.cpp learns that a child exited without waiting in waitpid. Knows nothing
// about tailor.

namespace tailor::util {

// A close-on-exec descriptor that becomes readable when child `pid` exits (Linux: a pidfd);
// -1 where the system has none, and the caller then looks for the exit every few milliseconds.
int open_exit_descriptor(int pid);

}  // namespace tailor::util
