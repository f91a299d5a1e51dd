// Hooks: every executable in $TAILOR_HOME/hooks/ gets the event JSON on stdin and a deadline.
#include <unistd.h>
#include <algorithm>

#include <fmt/format.h>

#include "coord/events.hpp"
#include "util/process.hpp"

namespace tailor::coord {
namespace fs = std::filesystem;
namespace {

std::vector<fs::path> hook_programs(const fs::path& dir) {
  std::vector<fs::path> hooks;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with(".") || !entry.is_regular_file(ec)) continue;
    if (::access(entry.path().c_str(), X_OK) == 0) hooks.push_back(entry.path());
  }
  std::sort(hooks.begin(), hooks.end());
  return hooks;
}

// Runs one hook to completion or its deadline, in its own process group (so a timeout kills
// what it started too), the event on its stdin and its stdout on our stderr, keeping our stdout
// for results. Returns a warning, or "" on success.
std::string run_hook(const fs::path& program, const std::string& body, std::chrono::milliseconds timeout) {
  util::ProcessOptions options;
  options.input = util::ChildInput::text;
  options.input_text = body;
  options.output = util::ChildOutput::to_stderr;
  options.timeout = timeout;
  auto result = util::run_process({program.string()}, options);
  if (!result || !result->started) return fmt::format("hook {} could not be started", program.string());
  if (result->timed_out) {
    return fmt::format("hook {} did not finish within {} ms and was killed; the event stands", program.string(),
                       timeout.count());
  }
  if (result->exit_code == 0) return "";
  if (result->signal == 0) {
    return fmt::format("hook {} failed with exit code {}; the event stands", program.string(), result->exit_code);
  }
  return fmt::format("hook {} was killed by signal {}; the event stands", program.string(), result->signal);
}

}  // namespace

void run_hooks(const std::string& body, const fs::path& hooks_dir, std::chrono::milliseconds timeout,
               EventReport& report) {
  auto hooks = hook_programs(hooks_dir);
  if (hooks.empty()) return;
  for (const auto& hook : hooks) {
    ++report.hooks_run;
    std::string warning = run_hook(hook, body, timeout);
    if (!warning.empty()) {
      ++report.hooks_failed;
      report.warnings.push_back(std::move(warning));
    }
  }
}

}  // namespace tailor::coord
