#pragma once
// $TAILOR_HOME/status.json: what a running tailor is doing, for `tailor status`
// (docs/downloads.md, "tailor status"). The writer replaces the file atomically, at most a few
// times a second, and holds an exclusive flock on the file that is in place until it ends, so
// a status file whose lock can be taken was left by a process that is gone. Readers never wait.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace tailor::fetch {

struct ArtifactProgress {
  std::string name;   // file name of the artifact
  std::string url;    // the URL being fetched now (a mirror's URL when a mirror serves it)
  std::string host;   // the host serving it (mirror name or origin)
  std::string state;  // queued, downloading, waiting, done, failed
  uint64_t bytes = 0;
  uint64_t total = 0;  // 0 when unknown
};

struct HostCooldown {
  std::string host;
  std::string until;  // RFC 3339 UTC
};

struct OperationStatus {
  long pid = 0;
  std::string command;  // e.g. "install llama.cpp"
  std::string phase;    // fetch, extract, install, verify
  std::string started_at;
  std::string updated_at;
  std::vector<ArtifactProgress> artifacts;
  std::vector<HostCooldown> cooldowns;
};

nlohmann::ordered_json to_json(const OperationStatus& status);

std::filesystem::path status_file_path(const std::filesystem::path& home);

// Owns status.json for the lifetime of one operation; removes it when destroyed (unless
// another operation has replaced it meanwhile).
class StatusWriter {
 public:
  StatusWriter(const std::filesystem::path& home, std::string command);
  ~StatusWriter();
  StatusWriter(const StatusWriter&) = delete;
  StatusWriter& operator=(const StatusWriter&) = delete;

  void set_phase(std::string phase);
  // Records the current artifacts and cooldowns; writes when `force` or when the last
  // write is older than the throttle interval.
  void update(std::vector<ArtifactProgress> artifacts, std::vector<HostCooldown> cooldowns, bool force = false);

 private:
  void write();
  std::filesystem::path m_file;
  int m_fd = -1;  // the file in place, locked while this writer lives
  OperationStatus m_status;
  std::chrono::steady_clock::time_point m_last_write{};
};

// The report `tailor status` prints: {"operation": {...} | null, "lock_holder": ... | null}.
// A status file whose writer is gone is reported once, with "stale": true, and removed.
// Never blocks.
nlohmann::ordered_json read_status_report(const std::filesystem::path& home);

// Removes status.json when its writer is gone; true when it did.
bool remove_stale_status(const std::filesystem::path& home);

// The same report for people.
std::string format_status_report(const nlohmann::ordered_json& report);

// Current time as RFC 3339 UTC ("2026-01-02T03:04:05Z").
std::string rfc3339_now();
std::string rfc3339(std::chrono::system_clock::time_point when);

}  // namespace tailor::fetch
