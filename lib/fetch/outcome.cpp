#include "fetch/outcome.hpp"

#include <algorithm>
#include <charconv>
#include <random>

#include "fetch/curl_api.hpp"

#include "util/strings.hpp"

namespace tailor::fetch {

std::string_view outcome_name(OutcomeKind kind) {
  switch (kind) {
  case OutcomeKind::ok: return "ok";
  case OutcomeKind::host_down: return "host down";
  case OutcomeKind::busy: return "busy";
  case OutcomeKind::transient: return "transient";
  case OutcomeKind::not_found: return "not found";
  case OutcomeKind::auth: return "credentials";
  case OutcomeKind::corrupt: return "corrupt";
  case OutcomeKind::too_large: return "too large";
  case OutcomeKind::refused: return "refused";
  }
  return "unknown";
}

OutcomeKind classify_status(long status, std::string_view retry_after, bool rate_limit_exhausted) {
  bool has_retry_after = !retry_after.empty();
  if (status >= 200 && status < 300) return OutcomeKind::ok;
  if (status == 503 || status == 429) return has_retry_after ? OutcomeKind::busy : OutcomeKind::transient;
  // A 403 is a rate limit only when the server says so; otherwise the credentials are wrong.
  if (status == 403 && (has_retry_after || rate_limit_exhausted)) return OutcomeKind::busy;
  if (status == 401 || status == 403) return OutcomeKind::auth;
  if (status == 408 || status >= 500) return OutcomeKind::transient;
  return OutcomeKind::not_found;
}

std::chrono::milliseconds parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  std::string text(util::trim(value));
  if (text.empty()) return std::chrono::milliseconds(-1);
  std::chrono::milliseconds wait{-1};
  long long seconds = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error == std::errc() && end == text.data() + text.size()) {
    wait = std::chrono::seconds(std::max(0LL, seconds));
  } else {
    // curl_getdate understands the RFC 7231 forms (IMF-fixdate, RFC 850, asctime).
    time_t when = curl_api().getdate(text.c_str(), nullptr);
    if (when < 0) return std::chrono::milliseconds(-1);
    auto target = std::chrono::system_clock::from_time_t(when);
    wait = std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(target - now));
  }
  return std::min<std::chrono::milliseconds>(wait, k_max_retry_after);
}

std::chrono::milliseconds jittered(std::chrono::milliseconds delay, double unit) {
  double factor = 0.8 + 0.4 * std::clamp(unit, 0.0, 0.999999);
  return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * factor));
}

std::chrono::milliseconds backoff_delay(int attempt, double unit) {
  int step = std::clamp(attempt - 2, 0, 6);
  return jittered(std::chrono::milliseconds(500LL << step), unit);
}

double jitter_unit() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace tailor::fetch
