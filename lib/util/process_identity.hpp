#pragma once
// Telling one process from another across pid reuse: a pid, the time the kernel started that
// process and the boot it ran in. Knows nothing about tailor.
#include <cstdint>
#include <optional>
#include <string>

namespace tailor::util {

struct ProcessIdentity {
  int64_t pid = 0;
  uint64_t start_time = 0;  // clock ticks after boot (Linux: /proc/<pid>/stat, field 22)
  std::string boot_id;      // Linux: /proc/sys/kernel/random/boot_id
};

// This process; nullopt where the system does not tell (no /proc).
std::optional<ProcessIdentity> current_process_identity();

enum class ProcessLiveness {
  alive,    // the same process still runs
  dead,     // another boot, no such pid, a zombie, or the pid now names a process started later
  unknown,  // the system cannot tell (no /proc, an identity without a boot id)
};

ProcessLiveness process_liveness(const ProcessIdentity& identity);

}  // namespace tailor::util
