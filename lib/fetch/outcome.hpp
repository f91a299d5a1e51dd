#pragma once
// What one download attempt's result means for the host pool (docs/downloads.md, "Retries").
// Pure functions: the engine feeds them what curl reported.
#include <chrono>
#include <string>
#include <string_view>

namespace tailor::fetch {

enum class OutcomeKind {
  ok,         // 2xx, bytes kept
  host_down,  // connect error, timeout, reset: next host; eject after 2 in a row
  busy,       // 503/429 (or rate-limit 403) with Retry-After: cool the host down, try another
  transient,  // other 5xx, 408, 503/429 without Retry-After: back off, at most network.retries + 1 attempts per host
  not_found,  // 404/410 and other final 4xx: next host, no ejection
  auth,       // 401/403: stop at once
  corrupt,    // checksum or size mismatch, unexpected Content-Encoding: flag host, next host
  too_large,  // over max_bytes or the plan's size: abort this artifact
  refused,    // not retried on this host (redirect off HTTPS, TLS verification failed)
};

std::string_view outcome_name(OutcomeKind kind);

constexpr std::chrono::seconds k_max_retry_after{60};
constexpr int k_eject_after_failures = 2;

// Classifies an HTTP status of a completed response. `retry_after` is the header value
// ("" when absent); `rate_limit_exhausted` is X-RateLimit-Remaining: 0.
OutcomeKind classify_status(long status, std::string_view retry_after, bool rate_limit_exhausted = false);

// Seconds or an HTTP-date, relative to `now`; capped at k_max_retry_after; -1 ms when unparsable.
std::chrono::milliseconds parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

// Delay before attempt `attempt` (2 = first retry) on one host: 0.5 s, 1 s, 2 s, ... with
// +-20 % jitter; `unit` is a random number in [0, 1).
std::chrono::milliseconds backoff_delay(int attempt, double unit);

// `delay` scaled by a factor in [0.8, 1.2) picked by `unit` in [0, 1).
std::chrono::milliseconds jittered(std::chrono::milliseconds delay, double unit);

// A random number in [0, 1) for jitter.
double jitter_unit();

}  // namespace tailor::fetch
