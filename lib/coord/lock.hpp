#pragma once
// The install lock every mutating command takes (docs/lock-and-events.md, "The install lock"): an exclusive
// flock on $TAILOR_HOME/.lock, a holder file beside it, a bounded wait, and the reservation
// check of docs/lock-and-events.md, "Reservations for automation".
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::coord {

// Who holds the lock: written to $TAILOR_HOME/.lock.holder as JSON after the flock is taken.
struct LockHolder {
  int64_t pid = 0;
  std::string user;
  std::string command;
  std::string started;  // RFC 3339, UTC
};

struct LockRequest {
  std::filesystem::path home;
  std::string command;                               // for the holder file; empty: this process's command line
  std::optional<std::chrono::milliseconds> timeout;  // empty: default_lock_timeout()
  std::string token;                                 // reservation token; empty: $TAILOR_LOCK_TOKEN
  const util::Output* output = nullptr;              // where waiting and stale-holder messages go
  bool check_reservation = true;                     // false only for `tailor lock` itself
};

// Holds the install lock until destroyed (or released); removes the holder file first.
class InstallLock {
 public:
  InstallLock(const InstallLock&) = delete;
  InstallLock& operator=(const InstallLock&) = delete;
  InstallLock(InstallLock&& other) noexcept;
  InstallLock& operator=(InstallLock&& other) noexcept;
  ~InstallLock();

  void release();
  const std::filesystem::path& home() const { return m_home; }

 private:
  friend Result<InstallLock> acquire_install_lock(const LockRequest& request);
  InstallLock(std::filesystem::path home, int fd) : m_home(std::move(home)), m_fd(fd) {}
  std::filesystem::path m_home;
  int m_fd = -1;
};

// Takes the lock, waiting up to the timeout and printing who holds it; replaces a stale holder
// file; then refuses (lock_busy) when the root is reserved and the token does not match.
// Fails with ErrorKind::lock_busy naming the holder when the wait times out.
Result<InstallLock> acquire_install_lock(const LockRequest& request);

// `tailor lock hold`: takes the lock like a mutating command, then runs `argv` (exit code of
// the child) or, when `argv` is empty, sleeps for `hold` (exit 0).
Result<int> hold_install_lock(const LockRequest& request, std::chrono::milliseconds hold,
                              const std::vector<std::string>& argv);

// 0 when the environment variable CI is set (non-empty), else 60 s.
std::chrono::milliseconds default_lock_timeout();
// Parses --lock-timeout: plain seconds ("30") or a duration ("500ms", "30s", "2m").
Result<std::chrono::milliseconds> parse_lock_timeout(std::string_view text);

// The holder file's content, when there is a readable one.
std::optional<LockHolder> read_lock_holder(const std::filesystem::path& home);
// True when some process holds the flock right now (probes without waiting).
bool install_lock_held(const std::filesystem::path& home);
std::string describe_holder(const std::optional<LockHolder>& holder);

// Helpers shared with reservations and events.
int64_t now_unix_ms();
std::string format_rfc3339(int64_t unix_ms);
std::string current_user();

}  // namespace tailor::coord
