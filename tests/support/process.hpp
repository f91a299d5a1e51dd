#pragma once
// Runs real child processes (the tailor binary) and captures what they print.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace tailor::test {

struct RunResult {
  int exit_code = -1;  // -signal when killed by a signal
  std::string out;
  std::string err;
};

struct RunOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) the current environment
  std::vector<std::string> unset_env;
  std::string stdin_text;
  std::string cwd;
  int timeout_seconds = 120;
};

// Runs `argv` to completion.
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// Runs the tailor binary under test with `args`.
RunResult run_tailor(const std::vector<std::string>& args, const RunOptions& options = {});

// A child left running in the background; output goes to files read after it ends.
struct Child {
  pid_t pid = -1;
  std::string out_path;
  std::string err_path;
  // Waits for the child and returns its result.
  RunResult wait();
};
Child spawn_tailor(const std::vector<std::string>& args, const RunOptions& options = {});

// Path of the tailor binary under test.
std::string tailor_binary();

}  // namespace tailor::test
