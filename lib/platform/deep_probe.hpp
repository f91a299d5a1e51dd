#pragma once
// Tier 2 (docs/detection.md, "Tier 2: `--probe deep`"): the vendor tools, run only with --probe deep, each with a hard
// timeout after which its whole process group is killed (nvidia-smi can take seconds or never return).
#include <string>
#include <vector>

#include "platform/facts.hpp"

namespace tailor::platform {

inline constexpr int k_deep_timeout_ms = 5000;
inline constexpr size_t k_deep_output_limit = size_t{64} * 1024;

struct ToolRun {
  bool found = false;      // an executable of that name is on PATH
  bool timed_out = false;  // killed (with its process group) at the timeout
  int exit_code = -1;      // -1 when it did not exit normally
  int signal = 0;          // the signal that ended it, 0 when none
  std::string output;      // stdout and stderr interleaved, cut at k_deep_output_limit
};

// Finds `program` on PATH and runs it with `args` in its own process group, stdin from
// /dev/null, for at most `timeout_ms`.
ToolRun run_tool(const std::string& program, const std::vector<std::string>& args, int timeout_ms);

// nvidia-smi (only with an NVIDIA device), `vulkaninfo --summary`, rocminfo (only with an
// AMD device), in that order; tools that are skipped are listed with the reason.
std::vector<DeepProbe> run_deep_probes(const std::vector<GpuDevice>& devices, const std::string& gpu, int timeout_ms);

}  // namespace tailor::platform
