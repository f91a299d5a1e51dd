#include "install/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "util/fs.hpp"

namespace tailor::install {
namespace {

using Clock = std::chrono::steady_clock;

// Everything the child needs, made before fork: a child of a process with other threads (the
// background loads and hashes of an install) may only make async-signal-safe calls until it
// execs, so it must not allocate.
class ExecImage {
 public:
  ExecImage(const std::vector<std::string>& argv, const ProcessOptions& options) : m_cwd(options.cwd) {
    // A name with a slash is taken as it is, relative to the child's directory (like execvp).
    auto path = options.env.find("PATH");
    m_program = argv[0].find('/') != std::string::npos
                    ? argv[0]
                    : find_on_path(argv[0], path != options.env.end() ? path->second : "");
    std::map<std::string, std::string> env = options.env;
    env["LC_ALL"] = "C";
    for (char** entry = options.inherit_environment ? environ : nullptr; entry != nullptr && *entry != nullptr;
         ++entry) {
      std::string_view text(*entry);
      auto eq = text.find('=');
      if (eq != std::string_view::npos) env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
    }
    m_argv_text = argv;
    m_env_text.reserve(env.size());
    for (const auto& [key, value] : env) m_env_text.push_back(fmt::format("{}={}", key, value));
    m_argv = pointers(m_argv_text);
    m_envp = pointers(m_env_text);
  }

  [[noreturn]] void exec(int out_fd, int in_fd) const {
    ::setpgid(0, 0);  // own group, so a timeout kills grandchildren too
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    if (!m_cwd.empty() && ::chdir(m_cwd.c_str()) != 0) ::_exit(127);
    if (!m_program.empty()) ::execve(m_program.c_str(), m_argv.data(), m_envp.data());
    ::_exit(127);
  }

 private:
  static std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& text : strings) out.push_back(text.data());
    out.push_back(nullptr);
    return out;
  }

  std::string m_program;  // "" when not on PATH: the child exits 127
  std::string m_cwd;
  std::vector<std::string> m_argv_text, m_env_text;
  std::vector<char*> m_argv, m_envp;
};

}  // namespace

std::string find_on_path(const std::string& command, const std::string& path_value) {
  std::string path = path_value;
  if (path.empty()) {
    const char* env = std::getenv("PATH");
    path = env != nullptr ? env : "/usr/bin:/bin";
  }
  return util::find_on_path(command, path);
}

Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) return fail(ErrorKind::internal, "run_process: empty command");
  int out_pipe[2];
  int in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    return fail(ErrorKind::failure, "cannot create a pipe: {}", std::strerror(errno));
  }
  const ExecImage image(argv, options);
  pid_t pid = ::fork();
  if (pid < 0) return fail(ErrorKind::failure, "cannot start {}: {}", argv[0], std::strerror(errno));
  if (pid == 0) image.exec(out_pipe[1], in_pipe[0]);
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
