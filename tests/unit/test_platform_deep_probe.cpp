// Tier 2 tools (docs/detection.md, "Tier 2: `--probe deep`"): real child processes from fake executables on PATH.
#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "platform/deep_probe.hpp"
#include "support/scratch.hpp"

using namespace tailor;
namespace fs = std::filesystem;

namespace {

void write_tool(const fs::path& dir, const std::string& name, const std::string& body) {
  test::write_text(dir / name, "#!/bin/sh\n" + body);
  fs::permissions(dir / name, fs::perms::owner_all);
}

// Sets PATH to `dir` (then the system directories when `system`) for the guard's lifetime.
struct PathGuard {
  std::string saved;
  explicit PathGuard(const fs::path& dir, bool system = true) {
    const char* old = std::getenv("PATH");
    saved = old != nullptr ? old : "";
    ::setenv("PATH", (dir.string() + (system ? ":/usr/bin:/bin" : "")).c_str(), 1);
  }
  ~PathGuard() { ::setenv("PATH", saved.c_str(), 1); }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;
};

// A process is gone once it no longer exists or is a zombie waiting for init to reap it.
bool gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::string stat = test::read_text("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] == 'Z';
}

}  // namespace

TEST_CASE("run_tool") {
  fs::path bin = test::fresh_dir("deep-bin");
  PathGuard path(bin);

  SUBCASE("a missing tool is reported as such") {
    platform::ToolRun run = platform::run_tool("tailor-no-such-tool", {}, 1000);
    CHECK_FALSE(run.found);
  }
  SUBCASE("stdout and stderr are captured with the exit status") {
    write_tool(bin, "fake-tool", "echo \"args: $*\"\necho oops >&2\nexit 3\n");
    platform::ToolRun run = platform::run_tool("fake-tool", {"--summary"}, 5000);
    CHECK(run.found);
    CHECK_FALSE(run.timed_out);
    CHECK(run.exit_code == 3);
    CHECK(run.output == "args: --summary\noops\n");
  }
  SUBCASE("a hanging tool is killed with its process group at the timeout") {
    fs::path pid_file = bin / "helper.pid";
    write_tool(bin, "hang", "sleep 60 &\necho $! > " + pid_file.string() + "\necho started\nwait\n");
    // 300 ms instead of the real 5 s keeps the test fast; the limit is a parameter for that.
    platform::ToolRun run = platform::run_tool("hang", {}, 300);
    CHECK(run.found);
    CHECK(run.timed_out);
    CHECK(run.signal == SIGKILL);
    CHECK(run.output == "started\n");
    pid_t helper = std::stoi(test::read_text(pid_file));
    // The forked helper was in the group: it dies too (polled: init reaps it asynchronously).
    bool dead = false;
    for (int i = 0; i < 100 && !dead; ++i) {
      dead = gone(helper);
      if (!dead) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(dead);
    if (!dead) ::kill(helper, SIGKILL);
  }
  SUBCASE("output is cut at the limit while the tool still runs to its end") {
    write_tool(bin, "chatty", "head -c 200000 /dev/zero | tr '\\0' x\nexit 0\n");
    platform::ToolRun run = platform::run_tool("chatty", {}, 5000);
    CHECK(run.exit_code == 0);
    CHECK(run.output.size() == platform::k_deep_output_limit);
  }
}

TEST_CASE("run_deep_probes") {
  fs::path bin = test::fresh_dir("deep-bin");
  PathGuard path(bin, false);  // the fakes use only shell builtins; a real vulkaninfo stays out of sight
  write_tool(bin, "nvidia-smi", "echo 'NVIDIA-SMI 570.133.07'\n");
  write_tool(bin, "rocminfo", "echo 'gfx1100'\n");
  std::vector<platform::GpuDevice> devices(1);
  devices[0].vendor = "nvidia";

  auto probes = platform::run_deep_probes(devices, "nvidia", 5000);
  REQUIRE(probes.size() == 3);
  CHECK(probes[0].tool == "nvidia-smi");
  CHECK(probes[0].status == "ok");
  CHECK(probes[0].exit_code == 0);
  CHECK(probes[0].output == "NVIDIA-SMI 570.133.07\n");
  CHECK(probes[1].command == "vulkaninfo --summary");
  CHECK(probes[1].status == "not found on PATH");
  CHECK_FALSE(probes[1].exit_code);
  CHECK(probes[2].tool == "rocminfo");
  CHECK(probes[2].status == "skipped: no AMD device");
  CHECK(probes[2].output.empty());

  devices[0].vendor = "amd";
  probes = platform::run_deep_probes(devices, "amd", 5000);
  CHECK(probes[0].status == "skipped: no NVIDIA device");
  CHECK(probes[2].output == "gfx1100\n");
}
