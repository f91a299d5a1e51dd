#include <doctest/doctest.h>

#include <cstdlib>
#include <mutex>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "coord/events.hpp"
#include "support/scratch.hpp"
#include "support/test_ca.hpp"

using namespace tailor;
using namespace tailor::coord;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct Delivery {
  std::string id, timestamp, signature, body;
};

// A webhook receiver on 127.0.0.1 that answers each POST with the next scripted status.
class Receiver {
 public:
  explicit Receiver(std::vector<int> statuses, bool tls = false) : m_statuses(std::move(statuses)) {
    if (tls) {
      auto certs = test::write_test_certificates(test::fresh_dir("webhook-tls"));
      m_ca = certs.ca_file;
      m_server = std::make_unique<httplib::SSLServer>(certs.cert_file.c_str(), certs.key_file.c_str());
    } else {
      m_server = std::make_unique<httplib::Server>();
    }
    m_server->Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard guard(m_mutex);
      m_deliveries.push_back({req.get_header_value("webhook-id"), req.get_header_value("webhook-timestamp"),
                              req.get_header_value("webhook-signature"), req.body});
      size_t index = m_deliveries.size() - 1;
      res.status = index < m_statuses.size() ? m_statuses[index] : 200;
    });
    m_port = m_server->bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    while (!m_server->is_running()) std::this_thread::sleep_for(1ms);
    m_url = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_port) + "/hook";
  }
  ~Receiver() {
    m_server->stop();
    m_thread.join();
  }
  const std::string& url() const { return m_url; }
  const fs::path& ca() const { return m_ca; }
  std::vector<Delivery> deliveries() {
    std::lock_guard guard(m_mutex);
    return m_deliveries;
  }

 private:
  std::vector<int> m_statuses;
  std::unique_ptr<httplib::Server> m_server;
  std::thread m_thread;
  std::mutex m_mutex;
  std::vector<Delivery> m_deliveries;
  int m_port = 0;
  std::string m_url;
  fs::path m_ca;
};

// The receiver's side of the check, written against OpenSSL directly.
std::string expected_signature(const std::string& key, const Delivery& d) {
  std::string content = d.id + "." + d.timestamp + "." + d.body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(content.data()),
       content.size(), mac, &length);
  unsigned char encoded[128];
  int encoded_length = EVP_EncodeBlock(encoded, mac, static_cast<int>(length));
  return "v1," + std::string(reinterpret_cast<char*>(encoded), static_cast<size_t>(encoded_length));
}

config::Config config_with(const std::string& events_table) {
  fs::path home = test::fresh_dir("webhook-home");
  test::write_text(home / "config.toml", "[events]\n" + events_table);
  auto config = config::load_config(home);
  REQUIRE(config);
  return *config;
}

EventReport deliver(const Event& event, const config::Config& config, std::ostringstream& err) {
  util::Output output;
  output.err = &err;
  EventDelivery delivery;
  delivery.home = test::fresh_dir("no-hooks");
  delivery.webhook_backoff = 50ms;
  return emit_event(event, config, output, delivery);
}

struct EnvGuard {
  std::string name;
  EnvGuard(std::string n, const std::string& value) : name(std::move(n)) { ::setenv(name.c_str(), value.c_str(), 1); }
  ~EnvGuard() { ::unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("webhook_signature") {
  // The example of the Standard Webhooks specification.
  auto key = webhook_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  REQUIRE(key);
  CHECK(webhook_signature(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("post_webhook") {
  EnvGuard insecure("TAILOR_ALLOW_INSECURE_LOOPBACK", "1");
  EnvGuard secret("TEST_WEBHOOK_SECRET", "s3cret-shared");
  Event event = make_event(event_type::k_backend_switched, "llama.cpp");
  event.backend = "cpu";
  event.from_backend = "vulkan";
  std::ostringstream err;

  SUBCASE("signed delivery; a retried delivery keeps the webhook-id") {
    Receiver receiver({500, 200});
    auto config =
        config_with("webhook_url = \"" + receiver.url() + "\"\nwebhook_secret_env = \"TEST_WEBHOOK_SECRET\"\n");
    auto report = deliver(event, config, err);
    CHECK(report.webhook_delivered);
    CHECK(report.webhook_attempts == 2);
    CHECK(err.str().empty());
    auto deliveries = receiver.deliveries();
    REQUIRE(deliveries.size() == 2);
    CHECK(deliveries[0].id == event.id);
    CHECK(deliveries[1].id == deliveries[0].id);
    for (const auto& d : deliveries) {
      CHECK(d.signature == expected_signature("s3cret-shared", d));
      CHECK(d.signature != expected_signature("wrong-secret", d));
      CHECK(nlohmann::json::parse(d.body)["type"] == "backend.switched");
      CHECK(std::abs(std::stoll(d.timestamp) - std::time(nullptr)) < 60);
    }
  }
  SUBCASE("gives up after 3 retries with a warning") {
    Receiver receiver({503, 503, 503, 503, 503});
    auto config =
        config_with("webhook_url = \"" + receiver.url() + "\"\nwebhook_secret_env = \"TEST_WEBHOOK_SECRET\"\n");
    auto report = deliver(event, config, err);
    CHECK_FALSE(report.webhook_delivered);
    CHECK(report.webhook_attempts == 4);
    CHECK(receiver.deliveries().size() == 4);
    CHECK(err.str().find("failed after 4 attempt(s): HTTP 503") != std::string::npos);
  }
  SUBCASE("a client error is not retried") {
    Receiver receiver({400});
    auto config =
        config_with("webhook_url = \"" + receiver.url() + "\"\nwebhook_secret_env = \"TEST_WEBHOOK_SECRET\"\n");
    auto report = deliver(event, config, err);
    CHECK(report.webhook_attempts == 1);
    CHECK_FALSE(report.webhook_delivered);
  }
  SUBCASE("a URL without a secret is refused unless webhook_unsigned") {
    Receiver receiver({});
    auto refused = deliver(event, config_with("webhook_url = \"" + receiver.url() + "\"\n"), err);
    CHECK(refused.webhook_attempts == 0);
    CHECK(err.str().find("no signing secret") != std::string::npos);
    CHECK(receiver.deliveries().empty());
    auto unsigned_report =
        deliver(event, config_with("webhook_url = \"" + receiver.url() + "\"\nwebhook_unsigned = true\n"), err);
    CHECK(unsigned_report.webhook_delivered);
    REQUIRE(receiver.deliveries().size() == 1);
    CHECK(receiver.deliveries()[0].signature.empty());
    CHECK(receiver.deliveries()[0].id == event.id);
  }
  SUBCASE("whsec_ secrets are Base64-decoded into the key") {
    EnvGuard whsec("TEST_WHSEC", "whsec_c2hhcmVkLWtleQ==");
    Receiver receiver({});
    auto report = deliver(
        event, config_with("webhook_url = \"" + receiver.url() + "\"\nwebhook_secret_env = \"TEST_WHSEC\"\n"), err);
    CHECK(report.webhook_delivered);
    REQUIRE(receiver.deliveries().size() == 1);
    CHECK(receiver.deliveries()[0].signature == expected_signature("shared-key", receiver.deliveries()[0]));
  }
  SUBCASE("plain http to loopback needs TAILOR_ALLOW_INSECURE_LOOPBACK=1") {
    Receiver receiver({});
    ::unsetenv("TAILOR_ALLOW_INSECURE_LOOPBACK");
    auto report = deliver(
        event, config_with("webhook_url = \"" + receiver.url() + "\"\nwebhook_secret_env = \"TEST_WEBHOOK_SECRET\"\n"),
        err);
    CHECK(report.webhook_attempts == 0);
    CHECK(err.str().find("TAILOR_ALLOW_INSECURE_LOOPBACK=1") != std::string::npos);
    CHECK(receiver.deliveries().empty());
  }
  SUBCASE("https with the CA from TAILOR_CA_BUNDLE") {
    Receiver receiver({}, true);
    EnvGuard bundle("TAILOR_CA_BUNDLE", receiver.ca().string());
    auto report = deliver(
        event, config_with("webhook_url = \"" + receiver.url() + "\"\nwebhook_secret_env = \"TEST_WEBHOOK_SECRET\"\n"),
        err);
    CHECK(report.webhook_delivered);
    REQUIRE(receiver.deliveries().size() == 1);
    CHECK(receiver.deliveries()[0].signature == expected_signature("s3cret-shared", receiver.deliveries()[0]));
  }
}
