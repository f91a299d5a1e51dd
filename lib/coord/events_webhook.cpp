// Webhook delivery, signed the Standard Webhooks way (https://www.standardwebhooks.com/).
#include <thread>

#include <fmt/format.h>
#include "fetch/curl_api.hpp"

#include "config/environment.hpp"
#include "config/keys.hpp"
#include "coord/events.hpp"
#include "coord/lock.hpp"

namespace tailor::coord {
namespace {

size_t discard_body(char*, size_t size, size_t count, void*) { return size * count; }

bool insecure_loopback_allowed() { return config::env_value(config::EnvVar::tailor_allow_insecure_loopback) == "1"; }

// Why `url` may not be used, or "" when it may.
std::string url_problem(const std::string& url) {
  if (url.starts_with("https://")) return "";
  if (url.starts_with("http://") && config::is_loopback_url(url)) {
    if (insecure_loopback_allowed()) return "";
    return "plain http is used only for loopback with TAILOR_ALLOW_INSECURE_LOOPBACK=1";
  }
  return "only https:// URLs are allowed";
}

struct Attempt {
  bool delivered = false;
  bool retry = false;
  std::string problem;
};

Attempt post_once(const std::string& url, const std::string& body, const std::string& id,
                  const std::optional<std::string>& key, const config::Config& config) {
  CURL* curl = fetch::curl_api().easy_init();
  if (curl == nullptr) return {false, false, "libcurl could not start"};
  std::string timestamp = std::to_string(now_unix_ms() / 1000);
  curl_slist* headers = nullptr;
  headers = fetch::curl_api().slist_append(headers, "content-type: application/json");
  headers = fetch::curl_api().slist_append(headers, ("webhook-id: " + id).c_str());
  headers = fetch::curl_api().slist_append(headers, ("webhook-timestamp: " + timestamp).c_str());
  if (key)
    headers = fetch::curl_api().slist_append(
        headers, ("webhook-signature: " + webhook_signature(*key, id, timestamp, body)).c_str());
  fetch::curl_api().easy_setopt(curl, CURLOPT_URL, url.c_str());
  fetch::curl_api().easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  fetch::curl_api().easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  fetch::curl_api().easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  fetch::curl_api().easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
  fetch::curl_api().easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  fetch::curl_api().easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https,http");
  fetch::curl_api().easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                                static_cast<long>(config.duration("network.api_timeout").count()));
  if (auto bundle = config::env_value(config::EnvVar::tailor_ca_bundle); bundle && !bundle->empty()) {
    fetch::curl_api().easy_setopt(curl, CURLOPT_CAINFO, bundle->c_str());
  }
  CURLcode code = fetch::curl_api().easy_perform(curl);
  long status = 0;
  fetch::curl_api().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  fetch::curl_api().slist_free_all(headers);
  fetch::curl_api().easy_cleanup(curl);
  if (code != CURLE_OK) return {false, true, fetch::curl_api().easy_strerror(code)};
  if (status >= 200 && status < 300) return {true, false, ""};
  bool transient = status >= 500 || status == 429 || status == 408;
  return {false, transient, fmt::format("HTTP {}", status)};
}

}  // namespace

void post_webhook(const Event& event, const std::string& body, const config::Config& config,
                  const EventDelivery& delivery, EventReport& report) {
  const std::string url = config.get("events.webhook_url");
  if (url.empty()) return;
  if (auto problem = url_problem(url); !problem.empty()) {
    report.warnings.push_back(fmt::format("webhook {} not sent: {}", url, problem));
    return;
  }
  std::optional<std::string> key;
  const std::string secret_env = config.get("events.webhook_secret_env");
  // The variable's name is the user's choice (events.webhook_secret_env), so no list holds it.
  auto secret = secret_env.empty() ? std::nullopt : config::configured_env_value(secret_env);
  if (secret && !secret->empty()) {
    key = webhook_key(*secret);
    if (!key) {
      report.warnings.push_back(
          fmt::format("webhook not sent: {} starts with whsec_ but the rest is not valid Base64", secret_env));
      return;
    }
  } else if (!config.boolean("events.webhook_unsigned")) {
    report.warnings.push_back(fmt::format(
        "webhook {} not sent: no signing secret ({}); set events.webhook_secret_env to a variable holding one, or "
        "events.webhook_unsigned = true to send unsigned",
        url, secret_env.empty() ? "events.webhook_secret_env is not set" : secret_env + " is empty"));
    return;
  }
  // Every attempt carries the same webhook-id so receivers can drop duplicates.
  const std::string& id = event.id;
  auto backoff = delivery.webhook_backoff;
  Attempt attempt;
  const int retries = delivery.webhook_retries.value_or(static_cast<int>(config.integer("network.retries")));
  for (int i = 0; i <= retries; ++i) {
    if (i > 0) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    ++report.webhook_attempts;
    attempt = post_once(url, body, id, key, config);
    if (attempt.delivered || !attempt.retry) break;
  }
  report.webhook_delivered = attempt.delivered;
  if (!attempt.delivered) {
    report.warnings.push_back(
        fmt::format("webhook {} failed after {} attempt(s): {}", url, report.webhook_attempts, attempt.problem));
  }
}

}  // namespace tailor::coord
