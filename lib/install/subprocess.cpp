#include "install/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "util/strings.hpp"

namespace tailor::install {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void exec_child(const std::vector<std::string>& argv, const ProcessOptions& options, int out_fd,
                             int in_fd) {
  ::setpgid(0, 0);  // own group, so a timeout kills grandchildren too
  ::dup2(in_fd, 0);
  ::dup2(out_fd, 1);
  ::dup2(out_fd, 2);
  for (const auto& [k, v] : options.env) ::setenv(k.c_str(), v.c_str(), 1);
  ::setenv("LC_ALL", "C", 1);
  if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(127);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

}  // namespace

std::string find_on_path(const std::string& command, const std::string& path_value) {
  if (command.find('/') != std::string::npos) return ::access(command.c_str(), X_OK) == 0 ? command : "";
  std::string path = path_value;
  if (path.empty()) {
    const char* env = std::getenv("PATH");
    path = env != nullptr ? env : "/usr/bin:/bin";
  }
  for (const auto& dir : util::split(path, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + command;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) return fail(ErrorKind::internal, "run_process: empty command");
  int out_pipe[2];
  int in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    return fail(ErrorKind::failure, "cannot create a pipe: {}", std::strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid < 0) return fail(ErrorKind::failure, "cannot start {}: {}", argv[0], std::strerror(errno));
  if (pid == 0) exec_child(argv, options, out_pipe[1], in_pipe[0]);
  ::setpgid(pid, pid);
  ::close(out_pipe[1]);
  ::close(in_pipe[0]);
  // Small inputs only (patches, hook payloads): write them whole, then close.
  ::signal(SIGPIPE, SIG_IGN);
  size_t written = 0;
  while (written < options.stdin_text.size()) {
    ssize_t n = ::write(in_pipe[1], options.stdin_text.data() + written, options.stdin_text.size() - written);
    if (n <= 0 && errno != EINTR) break;
    if (n > 0) written += static_cast<size_t>(n);
  }
  ::close(in_pipe[1]);

  ProcessResult result;
  auto deadline = Clock::now() + options.timeout;
  char buffer[8192];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    pollfd p{out_pipe[0], POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) continue;
    ssize_t n = ::read(out_pipe[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (result.output.size() < options.max_output) result.output.append(buffer, static_cast<size_t>(n));
  }
  ::close(out_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (result.timed_out) ::kill(-pid, SIGKILL);
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_code = -WTERMSIG(status);
  if (result.exit_code == 127 &&
      find_on_path(argv[0], options.env.contains("PATH") ? options.env.at("PATH") : "").empty()) {
    return fail(ErrorKind::failure, "command '{}' not found in PATH", argv[0]);
  }
  return result;
}

}  // namespace tailor::install
