#pragma once
// Runs a plan's [verify] command (docs/install.md, "The install flow"): as `sh -c` runs it
// (directly when it needs no shell), with the tool's bin directories first on PATH, LC_ALL=C,
// a timeout that kills the process group, and pattern checks on the trimmed combined output.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "plan/plan_model.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct VerifyInput {
  plan::PlanVerify verify;  // the plan's verify object
  std::string tool;
  std::string version;
  std::filesystem::path install_dir;
  std::vector<std::string> path_dirs;  // prepended to PATH, in order
  std::chrono::milliseconds timeout{60'000};
};

// Succeeds when the command exits 0 (or verify.exit_code) and every pattern is found.
// An absent (empty) command succeeds. Failures are ErrorKind::install.
Status run_verify(const VerifyInput& input);

// The default timeout, or TAILOR_VERIFY_TIMEOUT seconds when set.
std::chrono::milliseconds verify_timeout();

}  // namespace tailor::install
