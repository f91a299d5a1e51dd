#pragma once
// Lifecycle events (docs/lock-and-events.md, "Lifecycle events"): after install, remove and backend switches,
// tailor hands the event JSON to every hook in $TAILOR_HOME/hooks/ and POSTs it to the
// configured webhook, signed the Standard Webhooks way. Delivery problems are warnings only.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::coord {

namespace event_type {
inline constexpr std::string_view k_install_completed = "install.completed";
inline constexpr std::string_view k_install_failed = "install.failed";
inline constexpr std::string_view k_remove_completed = "remove.completed";
inline constexpr std::string_view k_backend_switched = "backend.switched";
inline constexpr std::string_view k_backend_fallback = "backend.fallback";
}  // namespace event_type

struct Event {
  std::string type;
  std::string id;    // random UUID (make_event fills it)
  std::string time;  // RFC 3339 UTC (make_event fills it)
  std::string tool;
  std::string version;       // "" prints null
  std::string backend;       // "" prints null
  std::string from_backend;  // "" prints null
  int64_t duration_ms = 0;
  std::optional<std::string> error;
};

// An event of `type` about `tool` with a fresh id and the current time.
Event make_event(std::string_view type, std::string_view tool);

// The event as one line of JSON, keys in the order of docs/lock-and-events.md, "Lifecycle events".
std::string event_json(const Event& event);

// What happened to one event; every problem is also printed as a warning.
struct EventReport {
  int hooks_run = 0;
  int hooks_failed = 0;
  int webhook_attempts = 0;
  bool webhook_delivered = false;
  std::vector<std::string> warnings;
};

struct EventDelivery {
  std::filesystem::path home;                             // hooks live in <home>/hooks
  std::optional<std::chrono::milliseconds> hook_timeout;  // default: events.hook_timeout
  std::chrono::milliseconds webhook_backoff{500};         // first retry delay; doubles each retry
  std::optional<int> webhook_retries;                     // default: network.retries
};

// Runs the hooks and the webhook for `event`. Never fails: a broken hook or an unreachable
// receiver never undoes what already happened.
EventReport emit_event(const Event& event, const config::Config& config, const util::Output& output,
                       const EventDelivery& delivery);
// Same, with $TAILOR_HOME and the default timeouts.
EventReport emit_event(const Event& event, const config::Config& config, const util::Output& output);

// Internals of emit_event, exposed for tests.
void run_hooks(const std::string& body, const std::filesystem::path& hooks_dir, std::chrono::milliseconds timeout,
               EventReport& report);
void post_webhook(const Event& event, const std::string& body, const config::Config& config,
                  const EventDelivery& delivery, EventReport& report);
// The HMAC key of a Standard Webhooks secret: `whsec_<base64>` decoded, anything else as bytes.
std::optional<std::string> webhook_key(std::string_view secret);
// "v1,<base64(HMAC-SHA256(key, id.timestamp.body))>".
std::string webhook_signature(std::string_view key, std::string_view id, std::string_view timestamp,
                              std::string_view body);

}  // namespace tailor::coord
