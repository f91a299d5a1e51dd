#pragma once
// Runs a helper command (package queries, version probes, verify commands) with a hard
// timeout that kills its whole process group, LC_ALL=C, and combined stdout+stderr; a thin
// layer over util/process.hpp with the defaults install wants.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace tailor::install {

struct ProcessResult {
  int exit_code = -1;  // -signal when killed by a signal
  bool timed_out = false;
  std::string output;  // stdout and stderr interleaved
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{10'000};
  std::map<std::string, std::string> env;  // set in the child (LC_ALL=C is always set)
  std::string cwd;
  std::string stdin_text;
  size_t max_output = 1 << 20;  // output beyond this is dropped
  // false: the child sees only `env` (and LC_ALL=C), none of tailor's own environment.
  bool inherit_environment = true;
  // As a shell does: a file the kernel refuses to execute (no #! line) is run by /bin/sh.
  bool shell_fallback = false;
};

// Runs argv[0] searched on the PATH of `env` (else ours). Failing to start is an error; a
// non-zero exit is not.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// tailor's own PATH (/usr/bin:/bin without one), where helper commands are looked for.
std::string search_path();

}  // namespace tailor::install
