// Hooks: every executable in $TAILOR_HOME/hooks/ gets the event JSON on stdin and a deadline.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "coord/events.hpp"

extern char** environ;

namespace tailor::coord {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
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

// Starts `program` in its own process group (so a timeout kills what it started too) with
// stdin from `input_fd` and stdout on our stderr, keeping our stdout for results.
pid_t spawn_hook(const fs::path& program, int input_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::string path = program.string();
  char* argv[] = {path.data(), nullptr};
  pid_t pid = -1;
  if (::posix_spawn(&pid, path.c_str(), &actions, &attributes, argv, environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return pid;
}

// Runs one hook to completion or its deadline; returns a warning, or "" on success.
std::string run_hook(const fs::path& program, const std::string& body, std::chrono::milliseconds timeout) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    return fmt::format("hook {} not run: {}", program.string(), std::strerror(errno));
  pid_t pid = spawn_hook(program, pipe_fds[0]);
  ::close(pipe_fds[0]);
  if (pid < 0) {
    ::close(pipe_fds[1]);
    return fmt::format("hook {} could not be started", program.string());
  }
  ::fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);
  size_t written = 0;
  int write_fd = pipe_fds[1];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    if (write_fd >= 0) {
      ssize_t n = ::write(write_fd, body.data() + written, body.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      // Done, or the hook closed its stdin without reading (EPIPE): either way stop writing.
      if (written == body.size() || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        ::close(write_fd);
        write_fd = -1;
      }
    }
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      if (write_fd >= 0) ::close(write_fd);
      return fmt::format("hook {} did not finish within {} ms and was killed; the event stands", program.string(),
                         timeout.count());
    }
    std::this_thread::sleep_for(5ms);
  }
  if (write_fd >= 0) ::close(write_fd);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  if (WIFEXITED(status)) {
    return fmt::format("hook {} failed with exit code {}; the event stands", program.string(), WEXITSTATUS(status));
  }
  return fmt::format("hook {} was killed by signal {}; the event stands", program.string(),
                     WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

void run_hooks(const std::string& body, const fs::path& hooks_dir, std::chrono::milliseconds timeout,
               EventReport& report) {
  auto hooks = hook_programs(hooks_dir);
  if (hooks.empty()) return;
  // A hook that exits without reading its stdin must not kill tailor with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
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
