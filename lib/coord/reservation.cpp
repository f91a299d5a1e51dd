#include "coord/reservation.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <nlohmann/json.hpp>

#include "coord/events_crypto.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace tailor::coord {
namespace fs = std::filesystem;
namespace {

fs::path reservation_path(const fs::path& home) { return home / "lock-reservation.json"; }
fs::path audit_path(const fs::path& home) { return home / "lock-audit.log"; }

struct ParsedToken {
  int64_t generation = 0;
};

// Tokens read `<generation>-<64 hex digits>`; the generation lets an old token be named as such.
Result<ParsedToken> parse_token(std::string_view token) {
  auto dash = token.find('-');
  int64_t generation = 0;
  if (dash != std::string_view::npos) {
    auto [end, ec] = std::from_chars(token.data(), token.data() + dash, generation);
    std::string_view secret = token.substr(dash + 1);
    if (ec == std::errc{} && end == token.data() + dash && secret.size() == 64 &&
        secret.find_first_not_of("0123456789abcdef") == std::string_view::npos) {
      return ParsedToken{generation};
    }
  }
  return fail(ErrorKind::usage, "malformed lock token (expected the token `tailor lock acquire` printed)");
}

Status write_state(const fs::path& home, const ReservationState& state) {
  nlohmann::ordered_json json{{"generation", state.generation}, {"reservation", nullptr}};
  if (const auto& r = state.reservation) {
    json["reservation"] = {{"holder", r->holder},
                           {"reason", r->reason},
                           {"token_sha256", r->token_sha256},
                           {"ttl_seconds", r->ttl_seconds},
                           {"acquired_ms", r->acquired_ms},
                           {"renewed_ms", r->renewed_ms},
                           {"expires_ms", r->expires_ms},
                           {"expires", format_rfc3339(r->expires_ms)}};
  }
  return util::write_file_atomic(reservation_path(home), json.dump(2) + "\n", 0600);
}

Status check_ttl(std::optional<int64_t> ttl) {
  if (ttl && (*ttl <= 0 || *ttl > k_max_reservation_ttl)) {
    return fail(ErrorKind::usage, "invalid --ttl {}: expected 1 to {} seconds (24 h)", *ttl, k_max_reservation_ttl);
  }
  return {};
}

// The live reservation `token` belongs to, or lock_busy explaining why it does not.
Result<Reservation> owned_reservation(const ReservationState& state, std::string_view token, int64_t now) {
  auto parsed = parse_token(token);
  if (!parsed) return fail(parsed.error());
  if (parsed->generation != state.generation) {
    return fail(ErrorKind::lock_busy,
                "lock token is from generation {}, but the reservation is now at generation {} (it was force-released "
                "or taken over); acquire a new reservation",
                parsed->generation, state.generation);
  }
  const Reservation* live = state.live(now);
  if (live == nullptr) {
    return fail(ErrorKind::lock_busy, "the reservation of this token has ended (released or expired); acquire again");
  }
  if (!constant_time_equal(util::sha256_hex(token), live->token_sha256)) {
    return fail(ErrorKind::lock_busy, "{}; the given lock token does not match", describe_reservation(*live));
  }
  return *live;
}

Result<std::pair<InstallLock, ReservationState>> lock_and_read(const LockCommand& command) {
  LockRequest request = command.lock;
  request.check_reservation = false;
  auto lock = acquire_install_lock(request);
  if (!lock) return fail(lock.error());
  auto state = read_reservation(request.home);
  if (!state) return fail(state.error());
  return std::make_pair(std::move(*lock), std::move(*state));
}

}  // namespace

const Reservation* ReservationState::live(int64_t now_ms) const {
  return reservation && reservation->expires_ms > now_ms ? &*reservation : nullptr;
}

Result<ReservationState> read_reservation(const fs::path& home) {
  std::error_code ec;
  if (!fs::exists(reservation_path(home), ec)) return ReservationState{};
  auto text = util::read_file(reservation_path(home), 1 << 16);
  if (!text) return fail(text.error());
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("generation")) {
    return fail(ErrorKind::failure, "{} is damaged; `tailor lock release --force --reason ...` resets it",
                reservation_path(home).string());
  }
  ReservationState state;
  state.generation = json.value("generation", int64_t{0});
  if (const auto& r = json["reservation"]; r.is_object()) {
    state.reservation = Reservation{r.value("holder", std::string()),       r.value("reason", std::string()),
                                    r.value("token_sha256", std::string()), r.value("ttl_seconds", int64_t{0}),
                                    r.value("acquired_ms", int64_t{0}),     r.value("renewed_ms", int64_t{0}),
                                    r.value("expires_ms", int64_t{0})};
  }
  return state;
}

Status check_reservation(const fs::path& home, std::string_view token) {
  auto state = read_reservation(home);
  if (!state) return fail(state.error());
  int64_t now = now_unix_ms();
  if (!token.empty()) {
    auto parsed = parse_token(token);
    if (!parsed) return fail(parsed.error());
    if (parsed->generation != state->generation) return owned_reservation(*state, token, now).map([](auto&&) {});
  }
  const Reservation* live = state->live(now);
  if (live == nullptr) return {};
  if (token.empty()) {
    return fail(ErrorKind::lock_busy, "{}; pass its token with --lock-token or TAILOR_LOCK_TOKEN",
                describe_reservation(*live));
  }
  return owned_reservation(*state, token, now).map([](auto&&) {});
}

Result<Acquired> reserve_install_root(const LockCommand& command) {
  if (!command.ttl_seconds) return fail(ErrorKind::usage, "--ttl is required");
  if (auto valid = check_ttl(command.ttl_seconds); !valid) return fail(valid.error());
  if (command.holder.empty()) return fail(ErrorKind::usage, "--holder must name who reserves (e.g. ci-42)");
  auto locked = lock_and_read(command);
  if (!locked) return fail(locked.error());
  auto& [lock, state] = *locked;
  int64_t now = now_unix_ms();
  if (const Reservation* live = state.live(now)) {
    return fail(ErrorKind::lock_busy, "{}; wait for it to end or ask its holder", describe_reservation(*live));
  }
  auto secret = random_bytes(32);
  if (!secret) return fail(secret.error());
  Acquired acquired;
  acquired.generation = state.generation + 1;
  acquired.token = std::to_string(acquired.generation) + "-" + util::to_hex(*secret);
  acquired.reservation = Reservation{command.holder,
                                     command.reason,
                                     util::sha256_hex(acquired.token),
                                     *command.ttl_seconds,
                                     now,
                                     now,
                                     now + *command.ttl_seconds * 1000};
  state.generation = acquired.generation;
  state.reservation = acquired.reservation;
  if (auto written = write_state(lock.home(), state); !written) return fail(written.error());
  return acquired;
}

Result<Reservation> renew_reservation(const LockCommand& command) {
  if (auto valid = check_ttl(command.ttl_seconds); !valid) return fail(valid.error());
  auto locked = lock_and_read(command);
  if (!locked) return fail(locked.error());
  auto& [lock, state] = *locked;
  int64_t now = now_unix_ms();
  auto owned = owned_reservation(state, command.token, now);
  if (!owned) return fail(owned.error());
  Reservation& reservation = *state.reservation;
  reservation.ttl_seconds = command.ttl_seconds.value_or(reservation.ttl_seconds);
  reservation.renewed_ms = now;
  reservation.expires_ms = now + reservation.ttl_seconds * 1000;
  if (auto written = write_state(lock.home(), state); !written) return fail(written.error());
  return reservation;
}

Result<bool> release_reservation(const LockCommand& command) {
  auto locked = lock_and_read(command);
  if (!locked) return fail(locked.error());
  auto& [lock, state] = *locked;
  auto owned = owned_reservation(state, command.token, now_unix_ms());
  if (!owned) {
    // Releasing what already expired is not an error, as long as the token was that reservation's.
    // clang before 16 cannot capture a structured binding in a lambda; a plain reference it can.
    const ReservationState& current = state;
    bool expired_own = current.reservation && parse_token(command.token)
                                                  .map([&](const ParsedToken& t) {
                                                    return t.generation == current.generation &&
                                                           constant_time_equal(util::sha256_hex(command.token),
                                                                               current.reservation->token_sha256);
                                                  })
                                                  .value_or(false);
    if (!expired_own) return fail(owned.error());
  }
  state.reservation.reset();
  if (auto written = write_state(lock.home(), state); !written) return fail(written.error());
  return owned.has_value();
}

Result<int64_t> force_release_reservation(const LockCommand& command) {
  if (command.reason.empty())
    return fail(ErrorKind::usage, "--force needs --reason saying why (it goes to the audit log)");
  auto locked = lock_and_read(command);
  if (!locked) return fail(locked.error());
  auto& [lock, state] = *locked;
  int64_t now = now_unix_ms();
  const Reservation* live = state.live(now);
  nlohmann::ordered_json line{
      {"time", format_rfc3339(now)},
      {"action", "force-release"},
      {"by", current_user()},
      {"pid", static_cast<int64_t>(::getpid())},
      {"holder", live ? nlohmann::json(live->holder) : nlohmann::json(nullptr)},
      {"holder_reason", live ? nlohmann::json(live->reason) : nlohmann::json(nullptr)},
      {"expires", live ? nlohmann::json(format_rfc3339(live->expires_ms)) : nlohmann::json(nullptr)},
      {"generation", state.generation},
      {"new_generation", state.generation + 1},
      {"reason", command.reason}};
  std::string text = line.dump() + "\n";
  int fd = ::open(audit_path(lock.home()).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fsync(fd) != 0) {
    int saved = errno;
    if (fd >= 0) ::close(fd);
    return fail(ErrorKind::failure, "cannot write the audit log {}: {}; nothing was released",
                audit_path(lock.home()).string(), std::strerror(saved));
  }
  ::close(fd);
  state.generation += 1;
  state.reservation.reset();
  if (auto written = write_state(lock.home(), state); !written) return fail(written.error());
  return state.generation;
}

std::string describe_reservation(const Reservation& reservation) {
  std::string text = "reserved by " + reservation.holder + " until " + format_rfc3339(reservation.expires_ms);
  if (!reservation.reason.empty()) text += " (" + reservation.reason + ")";
  return text;
}

}  // namespace tailor::coord

namespace tailor::coord {

Result<LockStatus> read_lock_status(const fs::path& home) {
  auto state = read_reservation(home);
  if (!state) return fail(state.error());
  LockStatus status;
  status.state = std::move(*state);
  if (const Reservation* live = status.state.live(now_unix_ms())) status.live = *live;
  status.holder = read_lock_holder(home);
  status.install_lock_held = install_lock_held(home);
  status.holder_stale = status.holder.has_value() && !status.install_lock_held;
  return status;
}

}  // namespace tailor::coord
