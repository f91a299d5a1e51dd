#include "coord/events.hpp"

#include <nlohmann/json.hpp>

#include "config/home.hpp"
#include "coord/events_crypto.hpp"
#include "coord/lock.hpp"

namespace tailor::coord {
namespace {

nlohmann::ordered_json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

}  // namespace

Event make_event(std::string_view type, std::string_view tool) {
  Event event;
  event.type = type;
  event.tool = tool;
  // A UUID is only missing when OpenSSL's generator is broken; the time still tells events apart.
  event.id = random_uuid().value_or("00000000-0000-4000-8000-" + std::to_string(now_unix_ms()).substr(0, 12));
  event.time = format_rfc3339(now_unix_ms());
  return event;
}

std::string event_json(const Event& event) {
  nlohmann::ordered_json json{{"type", event.type},
                              {"id", event.id},
                              {"time", event.time},
                              {"tool", event.tool},
                              {"version", text_or_null(event.version)},
                              {"backend", text_or_null(event.backend)},
                              {"from_backend", text_or_null(event.from_backend)},
                              {"duration_ms", event.duration_ms},
                              {"error", event.error ? nlohmann::ordered_json(*event.error) : nullptr}};
  return json.dump();
}

EventReport emit_event(const Event& event, const config::Config& config, const util::Output& output,
                       const EventDelivery& delivery) {
  EventReport report;
  const std::string body = event_json(event);
  run_hooks(body, delivery.home / "hooks", delivery.hook_timeout.value_or(config.duration("events.hook_timeout")),
            report);
  post_webhook(event, body, config, delivery, report);
  for (const auto& warning : report.warnings) output.warn("{}", warning);
  return report;
}

EventReport emit_event(const Event& event, const config::Config& config, const util::Output& output) {
  EventDelivery delivery;
  delivery.home = config::tailor_home();
  return emit_event(event, config, output, delivery);
}

std::optional<std::string> webhook_key(std::string_view secret) {
  if (secret.starts_with("whsec_")) return base64_decode(secret.substr(6));
  return std::string(secret);
}

std::string webhook_signature(std::string_view key, std::string_view id, std::string_view timestamp,
                              std::string_view body) {
  std::string signed_content;
  signed_content.append(id).append(".").append(timestamp).append(".").append(body);
  return "v1," + base64_encode(hmac_sha256(key, signed_content));
}

}  // namespace tailor::coord
