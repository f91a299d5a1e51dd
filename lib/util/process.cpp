#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>

#include "util/fs.hpp"
#include "util/process_exit.hpp"

extern char** environ;

namespace tailor::util {
namespace {

using Clock = std::chrono::steady_clock;

// Shared by writers of files that may be executed, exclusive while a child is started.
std::shared_mutex& start_mutex() {
  static std::shared_mutex mutex;
  return mutex;
}

// A descriptor closed when dropped.
class Descriptor {
 public:
  Descriptor() = default;
  explicit Descriptor(int fd) : m_fd(fd) {}
  Descriptor(Descriptor&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Descriptor& operator=(Descriptor&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() { reset(); }

  int get() const { return m_fd; }
  bool open() const { return m_fd >= 0; }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

 private:
  int m_fd = -1;
};

struct Pipe {
  Descriptor read, write;
};

// Close-on-exec at both ends: a child gets only the end posix_spawn puts on its 0, 1 or 2.
Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail(ErrorKind::failure, "cannot create a pipe: {}", std::strerror(errno));
  return Pipe{Descriptor(fds[0]), Descriptor(fds[1])};
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& text : strings) out.push_back(text.data());
  out.push_back(nullptr);
  return out;
}

// "KEY=value" for the child: `env`, then whatever it inherits that `env` does not set.
std::vector<std::string> child_environment(const ProcessOptions& options) {
  std::map<std::string, std::string> env = options.env;
  for (char** entry = options.inherit_environment ? environ : nullptr; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq != std::string_view::npos) env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [key, value] : env) out.push_back(std::string(key).append("=").append(value));
  return out;
}

// posix_spawn's setup of the child, released with it.
class SpawnSetup {
 public:
  SpawnSetup() {
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawnattr_init(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attributes);
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
};

void reap(pid_t pid, int flags, int& status, bool& exited) {
  pid_t got = 0;
  while ((got = ::waitpid(pid, &status, flags)) < 0 && errno == EINTR) {}
  if (got == pid) exited = true;
}

// Feeds the child's stdin from `input_text`, drains its output, then waits for it to exit, all
// within the deadline; past it the child (its process group when it has its own) is killed.
ProcessResult supervise(pid_t pid, Descriptor input, Descriptor output, const ProcessOptions& options) {
  ProcessResult result;
  std::optional<Clock::time_point> deadline;
  if (options.timeout) deadline = Clock::now() + *options.timeout;
  if (input.open()) ::fcntl(input.get(), F_SETFL, O_NONBLOCK);
  Descriptor exited_fd(open_exit_descriptor(pid));
  size_t written = 0;
  bool exited = false;
  int status = 0;
  char buffer[8192];
  for (;;) {
    if (input.open() && written == options.input_text.size()) input.reset();
    const bool streams = input.open() || output.open();
    if (!streams && exited) break;
    if (!streams && !deadline) {
      reap(pid, 0, status, exited);
      break;
    }
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) {
        result.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(left);
    }
    pollfd fds[2];
    nfds_t count = 0;
    if (input.open()) fds[count++] = pollfd{input.get(), POLLOUT, 0};
    if (output.open()) fds[count++] = pollfd{output.get(), POLLIN, 0};
    if (!streams && exited_fd.open()) fds[count++] = pollfd{exited_fd.get(), POLLIN, 0};
    // Without an exit descriptor the exit is looked for every few milliseconds.
    if (count == 0) wait_ms = std::min(wait_ms, 2);
    int ready = ::poll(fds, count, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (input.open() && ready > 0 && fds[0].revents != 0) {
      ssize_t n = ::write(input.get(), options.input_text.data() + written, options.input_text.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      // A child that closed its stdin without reading (EPIPE) gets no more.
      if (n < 0 && errno != EAGAIN && errno != EINTR) input.reset();
    }
    if (output.open() && ready > 0 && fds[count - 1].revents != 0) {
      ssize_t n = ::read(output.get(), buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        output.reset();  // end of file: the child and whatever it started closed their output
      } else {
        size_t room = options.max_output - std::min(result.output.size(), options.max_output);
        result.output.append(buffer, std::min(room, static_cast<size_t>(n)));
      }
    }
    if (!input.open() && !output.open()) reap(pid, WNOHANG, status, exited);
  }
  if (result.timed_out) ::kill(options.own_process_group ? -pid : pid, SIGKILL);
  if (!exited) reap(pid, 0, status, exited);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

// Starts `program` as posix_spawn does; the error number when it cannot be started.
int spawn(pid_t& pid, const std::string& program, std::vector<std::string> argv, const ProcessOptions& options,
          int input_fd, int output_fd) {
  SpawnSetup setup;
  switch (options.input) {
  case ChildInput::null:
    ::posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    break;
  case ChildInput::text: ::posix_spawn_file_actions_adddup2(&setup.actions, input_fd, STDIN_FILENO); break;
  case ChildInput::inherit: break;
  }
  switch (options.output) {
  case ChildOutput::capture:
    ::posix_spawn_file_actions_adddup2(&setup.actions, output_fd, STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(&setup.actions, output_fd, STDERR_FILENO);
    break;
  case ChildOutput::capture_stdout: ::posix_spawn_file_actions_adddup2(&setup.actions, output_fd, STDOUT_FILENO); break;
  case ChildOutput::to_stderr: ::posix_spawn_file_actions_adddup2(&setup.actions, STDERR_FILENO, STDOUT_FILENO); break;
  case ChildOutput::inherit: break;
  }
  if (!options.cwd.empty()) ::posix_spawn_file_actions_addchdir_np(&setup.actions, options.cwd.c_str());
  short flags = POSIX_SPAWN_SETSIGDEF;
  // A parent that writes to pipes ignores SIGPIPE; its children start with the default.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  ::posix_spawnattr_setsigdefault(&setup.attributes, &defaults);
  if (options.own_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    ::posix_spawnattr_setpgroup(&setup.attributes, 0);
  }
  ::posix_spawnattr_setflags(&setup.attributes, flags);
  std::vector<char*> args = pointers(argv);
  std::vector<std::string> env_text;
  std::vector<char*> envp;
  char** env = environ;
  if (!options.inherit_environment || !options.env.empty()) {
    env_text = child_environment(options);
    envp = pointers(env_text);
    env = envp.data();
  }
  std::unique_lock<std::shared_mutex> starting(start_mutex());
  return ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attributes, args.data(), env);
}

}  // namespace

ExecutableWrite::ExecutableWrite() : m_lock(start_mutex()) {}

Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) return fail(ErrorKind::internal, "run_process: empty command");
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) {
    program = find_on_path(program, options.search_path);
    if (program.empty()) return fail(ErrorKind::failure, "command '{}' not found in PATH", argv[0]);
  }
  Pipe input, output;
  if (options.input == ChildInput::text) {
    auto made = make_pipe();
    if (!made) return fail(made.error());
    input = std::move(*made);
    // A child that exits without reading its stdin must not end this process with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
  }
  if (options.output == ChildOutput::capture || options.output == ChildOutput::capture_stdout) {
    auto made = make_pipe();
    if (!made) return fail(made.error());
    output = std::move(*made);
  }
  pid_t pid = -1;
  int error = spawn(pid, program, argv, options, input.read.get(), output.write.get());
  if (error == ENOEXEC && options.shell_fallback) {
    std::vector<std::string> shell_argv{"/bin/sh", program};
    shell_argv.insert(shell_argv.end(), argv.begin() + 1, argv.end());
    error = spawn(pid, "/bin/sh", shell_argv, options, input.read.get(), output.write.get());
  }
  input.read.reset();
  output.write.reset();
  if (error == ENOENT && argv[0].find('/') != std::string::npos && ::access(program.c_str(), F_OK) != 0)
    return fail(ErrorKind::failure, "command '{}' not found in PATH", argv[0]);
  if (error != 0) {
    ProcessResult result;
    result.started = false;
    result.exit_code = 127;  // found but not startable, as a shell reports it
    return result;
  }
  return supervise(pid, std::move(input.write), std::move(output.read), options);
}

Result<ProcessResult> run_in_child(const std::function<void(int answer_fd)>& body, const ProcessOptions& options) {
  auto answer = make_pipe();
  if (!answer) return fail(answer.error());
  std::unique_lock<std::shared_mutex> starting(start_mutex());
  pid_t pid = ::fork();
  if (pid < 0) return fail(ErrorKind::failure, "cannot fork: {}", std::strerror(errno));
  if (pid == 0) {
    if (options.own_process_group) ::setpgid(0, 0);
    answer->read.reset();
    body(answer->write.get());
    ::_exit(0);
  }
  starting.unlock();
  if (options.own_process_group) ::setpgid(pid, pid);  // also here: the group exists before a kill
  answer->write.reset();
  return supervise(pid, Descriptor(), std::move(answer->read), options);
}

}  // namespace tailor::util
