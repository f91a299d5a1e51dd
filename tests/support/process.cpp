#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>

#include "support/scratch.hpp"

extern char** environ;

namespace tailor::test {
namespace {

std::vector<std::string> build_env(const RunOptions& options) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& name : options.unset_env) vars.erase(name);
  for (const auto& [k, v] : options.env) vars[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

// Everything execve needs, built before fork: the tests fork while HTTPS server threads run,
// and a child that allocates can block forever on an allocator lock one of them held at
// fork time (ASan's allocator made this visible). After fork the child only calls
// async-signal-safe functions.
class ExecImage {
 public:
  ExecImage(const std::vector<std::string>& argv, const RunOptions& options)
      : m_argv(argv), m_env(build_env(options)), m_cwd(options.cwd) {
    for (const auto& a : m_argv) m_cargv.push_back(const_cast<char*>(a.c_str()));
    m_cargv.push_back(nullptr);
    for (const auto& e : m_env) m_cenv.push_back(const_cast<char*>(e.c_str()));
    m_cenv.push_back(nullptr);
  }

  [[noreturn]] void exec() const {
    if (!m_cwd.empty() && ::chdir(m_cwd.c_str()) != 0) ::_exit(127);
    ::execve(m_cargv[0], m_cargv.data(), m_cenv.data());
    ::_exit(127);
  }

 private:
  std::vector<std::string> m_argv, m_env;
  std::string m_cwd;
  std::vector<char*> m_cargv, m_cenv;
};

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

}  // namespace

std::string tailor_binary() {
#ifdef TAILOR_BIN
  return TAILOR_BIN;
#else
  const char* bin = std::getenv("TAILOR_BIN");
  return bin != nullptr ? bin : "tailor";
#endif
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    return {};
  }
  const ExecImage image(argv, options);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    image.exec();
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  // Write stdin in full (small inputs), then close it.
  const char* data = options.stdin_text.data();
  size_t left = options.stdin_text.size();
  ::signal(SIGPIPE, SIG_IGN);
  while (left > 0) {
    ssize_t n = ::write(in_pipe[1], data, left);
    if (n <= 0) break;
    data += n;
    left -= static_cast<size_t>(n);
  }
  ::close(in_pipe[1]);

  RunResult result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buffer[65536];
  while (open_fds > 0) {
    int remaining = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (remaining <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    int ready = ::poll(fds, 2, remaining);
    if (ready < 0 && errno == EINTR) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      }
    }
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = decode_status(status);
  return result;
}

RunResult run_tailor(const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> argv{tailor_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, options);
}

Child spawn_tailor(const std::vector<std::string>& args, const RunOptions& options) {
  Child child;
  auto dir = fresh_dir("child");
  child.out_path = (dir / "stdout").string();
  child.err_path = (dir / "stderr").string();
  std::vector<std::string> argv{tailor_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const ExecImage image(argv, options);
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(child.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(child.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    image.exec();
  }
  child.pid = pid;
  return child;
}

RunResult Child::wait() {
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult result;
  result.exit_code = decode_status(status);
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

}  // namespace tailor::test
