// Tier 2 tools in child processes. The child gets its own process group so that a tool that
// forks helpers (nvidia-smi talks to nvidia-persistenced, vulkaninfo loads every ICD) is
// killed as a whole at the timeout.
#include "platform/deep_probe.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "config/environment.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"
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
  util::ProcessOptions options;
  options.search_path = config::env_value(config::EnvVar::path).value_or("");
  if (util::find_on_path(program, options.search_path).empty()) return run;
  run.found = true;
  options.max_output = k_deep_output_limit;
  options.timeout = std::chrono::milliseconds(timeout_ms);
  std::vector<std::string> argv{program};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = util::run_process(argv, options);
  if (!result) {
    run.output = result.error().message;
    return run;
  }
  run.timed_out = result->timed_out;
  run.exit_code = result->exit_code;
  run.signal = result->signal;
  run.output = std::move(result->output);
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
