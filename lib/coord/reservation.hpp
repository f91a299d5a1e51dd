#pragma once
// Reservations of the install root for automation (docs/lock-and-events.md, "Reservations for automation"): a lease
// with a holder name, a TTL from the last acquire/renew, a secret token stored only as its
// SHA-256, and a generation counter that fences off tokens of earlier reservations.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "coord/lock.hpp"
#include "util/result.hpp"

namespace tailor::coord {

struct Reservation {
  std::string holder;
  std::string reason;
  std::string token_sha256;  // hex
  int64_t ttl_seconds = 0;
  int64_t acquired_ms = 0;  // Unix milliseconds
  int64_t renewed_ms = 0;
  int64_t expires_ms = 0;
};

// $TAILOR_HOME/lock-reservation.json. `reservation` may be present but expired.
struct ReservationState {
  int64_t generation = 0;
  std::optional<Reservation> reservation;
  // The reservation when it has not expired at `now_ms`.
  const Reservation* live(int64_t now_ms) const;
};

Result<ReservationState> read_reservation(const std::filesystem::path& home);

// Refuses (lock_busy) when the root is reserved and `token` is not that reservation's token,
// and any token from an earlier generation. An empty token means "no token". Call it while
// holding the install lock (acquire_install_lock does).
Status check_reservation(const std::filesystem::path& home, std::string_view token);

struct LockCommand {
  LockRequest lock;    // home, --lock-timeout and output; the reservation check is skipped
  std::string holder;  // acquire
  std::string reason;  // acquire, force release
  std::string token;   // renew, release
  std::optional<int64_t> ttl_seconds;
};

struct Acquired {
  std::string token;  // shown once; never stored
  int64_t generation = 0;
  Reservation reservation;
};

// `tailor lock acquire`: reserves the root; lock_busy when someone else holds a live reservation.
Result<Acquired> reserve_install_root(const LockCommand& command);
// `tailor lock renew`: restarts the TTL (the previous TTL unless one is given).
Result<Reservation> renew_reservation(const LockCommand& command);
// `tailor lock release --token`: ends the reservation; false when it had already expired.
Result<bool> release_reservation(const LockCommand& command);
// `tailor lock release --force`: ends any reservation, bumps the generation and appends an
// audit line to $TAILOR_HOME/lock-audit.log. Returns the new generation.
Result<int64_t> force_release_reservation(const LockCommand& command);

// "reserved by ci-42 until 2026-01-01T10:00:00Z (reason)".
std::string describe_reservation(const Reservation& reservation);
// Longest TTL accepted: 24 h.
constexpr int64_t k_max_reservation_ttl = int64_t{24} * 3600;

}  // namespace tailor::coord

namespace tailor::coord {

// What `tailor lock status` shows: the reservation (never its token) and the install lock.
struct LockStatus {
  ReservationState state;
  std::optional<Reservation> live;  // the reservation when it has not expired
  bool install_lock_held = false;
  std::optional<LockHolder> holder;  // from the holder file
  bool holder_stale = false;         // a holder file while nobody holds the lock
};
Result<LockStatus> read_lock_status(const std::filesystem::path& home);

}  // namespace tailor::coord
