#pragma once
// Child processes: a program started with posix_spawn (the child never copies this process's
// page tables), its input from text, /dev/null or ours, its output captured or passed on, and
// an optional deadline at which its whole process group is killed. Knows nothing about tailor.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace tailor::util {

enum class ChildInput {
  null,     // /dev/null
  text,     // ProcessOptions::input_text, then end of file
  inherit,  // our stdin
};

enum class ChildOutput {
  capture,         // stdout and stderr interleaved into ProcessResult::output
  capture_stdout,  // stdout alone into ProcessResult::output; stderr is ours
  to_stderr,       // the child's stdout and stderr both go to our stderr (our stdout stays ours)
  inherit,         // our stdout and stderr
};

struct ProcessOptions {
  std::string search_path;                 // a PATH value: where argv[0] without a slash is looked for
  std::map<std::string, std::string> env;  // set in the child, over the environment it inherits
  bool inherit_environment = true;         // false: the child sees only `env`
  std::string cwd;                         // empty: ours
  ChildInput input = ChildInput::null;
  std::string input_text;
  ChildOutput output = ChildOutput::capture;
  size_t max_output = size_t{1} << 20;  // captured bytes kept; the rest is read and dropped
  // Past it the child's process group is killed (SIGKILL); nullopt: wait for as long as it runs.
  std::optional<std::chrono::milliseconds> timeout;
  bool own_process_group = true;  // so that the timeout also kills what the child started
  // As execvp does: a file the kernel refuses to execute (no #! line) is run by /bin/sh.
  bool shell_fallback = false;
};

// Held while this process has a file open for writing that may be executed later (a file
// extracted or copied into a build). Starting a child waits until none is: a child holds a copy
// of every descriptor until it execs, and the kernel refuses to execute a file that some
// process holds open for writing ("Text file busy"), which a verify command running in another
// thread would otherwise meet now and then.
class ExecutableWrite {
 public:
  ExecutableWrite();

 private:
  std::shared_lock<std::shared_mutex> m_lock;
};

struct ProcessResult {
  bool started = true;  // false: found but the system would not start it (exit_code is then 127)
  int exit_code = -1;   // -1 when it did not exit (a signal ended it)
  int signal = 0;       // the signal that ended it, 0 when none
  bool timed_out = false;
  std::string output;  // with ChildOutput::capture
};

// Runs argv[0]: a name with a slash as it is, else the first match on `search_path` (util reads
// no environment: the caller passes the PATH; the child's environment is passed on unread). A
// program that is not found is ErrorKind::failure ("command 'x' not found in PATH"); one that
// is found but cannot be started exits 127, as a shell reports it; any exit status is a
// result, not an error.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Runs `body` in a forked copy of this process, with no exec, for library code that may crash
// or hang (a GPU loader): it writes its answer to the descriptor it gets, and the child exits 0
// when it returns. The timeout, output limit and process group of `options` apply; the child's
// own stdin, stdout and stderr are ours, as `body` leaves them. No pipe or no fork is
// ErrorKind::failure.
Result<ProcessResult> run_in_child(const std::function<void(int answer_fd)>& body, const ProcessOptions& options);

}  // namespace tailor::util
