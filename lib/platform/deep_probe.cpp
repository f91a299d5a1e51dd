// Tier 2 tools in child processes. The child gets its own process group so that a tool that
// forks helpers (nvidia-smi talks to nvidia-persistenced, vulkaninfo loads every ICD) is
// killed as a whole at the timeout.
#include "platform/deep_probe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>

#include <fmt/format.h>

#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::platform {
namespace {

// Keeps the output valid UTF-8 (it ends up in JSON): invalid bytes become U+FFFD.
std::string valid_utf8(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = length != 0 && i + length <= text.size();
    for (size_t k = 1; ok && k < length; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    if (ok) {
      out.append(text, i, length);
      i += length;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
  return out;
}

DeepProbe describe(const std::string& tool, const std::vector<std::string>& args, const ToolRun& run, int timeout_ms) {
  DeepProbe probe;
  probe.tool = tool;
  probe.command = args.empty() ? tool : tool + " " + util::join(args, " ");
  if (!run.found) {
    probe.status = "not found on PATH";
    return probe;
  }
  if (run.exit_code >= 0) probe.exit_code = run.exit_code;
  probe.status = run.timed_out        ? fmt::format("timed out after {} ms (process group killed)", timeout_ms)
                 : run.signal != 0    ? fmt::format("killed by signal {}", run.signal)
                 : run.exit_code == 0 ? "ok"
                                      : fmt::format("failed (exit {})", run.exit_code);
  probe.output = valid_utf8(run.output);
  return probe;
}

}  // namespace

ToolRun run_tool(const std::string& program, const std::vector<std::string>& args, int timeout_ms) {
  ToolRun run;
  const char* path_list = std::getenv("PATH");
  std::string path = util::find_on_path(program, path_list != nullptr ? path_list : "");
  if (path.empty()) return run;
  run.found = true;
  // Everything the child needs is built before fork: only async-signal-safe calls after it.
  std::vector<std::string> words{program};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(words.size() + 1);
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) {
    run.output = "cannot create a pipe";
    return run;
  }
  ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    run.output = "cannot fork";
    return run;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::execv(path.c_str(), argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so the group exists before we might kill it
  ::close(fds[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      break;
    }
    pollfd item{fds[0], POLLIN, 0};
    int ready = ::poll(&item, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      run.timed_out = true;
      break;
    }
    if (ready < 0) break;
    char buffer[4096];
    ssize_t got = ::read(fds[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // EOF: every writer (the tool and whatever it forked) is gone
    size_t room = k_deep_output_limit - std::min(run.output.size(), k_deep_output_limit);
    run.output.append(buffer, std::min(room, static_cast<size_t>(got)));  // keep draining past the limit
  }
  ::close(fds[0]);
  if (run.timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  return run;
}

std::vector<DeepProbe> run_deep_probes(const std::vector<GpuDevice>& devices, const std::string& gpu, int timeout_ms) {
  auto has_vendor = [&](const char* vendor) {
    return gpu == vendor ||
           std::any_of(devices.begin(), devices.end(), [&](const GpuDevice& d) { return d.vendor == vendor; });
  };
  struct Tool {
    std::string name;
    std::vector<std::string> args;
    bool wanted;
    std::string skip_reason;
  };
  const std::vector<Tool> tools{{"nvidia-smi", {}, has_vendor("nvidia"), "skipped: no NVIDIA device"},
                                {"vulkaninfo", {"--summary"}, true, ""},
                                {"rocminfo", {}, has_vendor("amd"), "skipped: no AMD device"}};
  std::vector<DeepProbe> out;
  for (const Tool& tool : tools) {
    if (!tool.wanted) {
      DeepProbe skipped;
      skipped.tool = tool.name;
      skipped.command = tool.args.empty() ? tool.name : tool.name + " " + util::join(tool.args, " ");
      skipped.status = tool.skip_reason;
      out.push_back(std::move(skipped));
      continue;
    }
    out.push_back(describe(tool.name, tool.args, run_tool(tool.name, tool.args, timeout_ms), timeout_ms));
  }
  return out;
}

}  // namespace tailor::platform
