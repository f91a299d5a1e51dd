#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "coord/events.hpp"
#include "support/scratch.hpp"

using namespace tailor;
using namespace tailor::coord;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

void write_hook(const fs::path& path, const std::string& script) {
  test::write_text(path, "#!/bin/sh\n" + script + "\n");
  ::chmod(path.c_str(), 0755);
}

Event sample_event() {
  Event event = make_event(event_type::k_install_completed, "llama.cpp");
  event.version = "b5000";
  event.backend = "vulkan";
  event.from_backend = "cuda";
  event.duration_ms = 1234;
  return event;
}

}  // namespace

TEST_CASE("event_json") {
  Event event = sample_event();
  auto json = nlohmann::json::parse(event_json(event));
  CHECK(json["type"] == "install.completed");
  CHECK(json["tool"] == "llama.cpp");
  CHECK(json["version"] == "b5000");
  CHECK(json["backend"] == "vulkan");
  CHECK(json["from_backend"] == "cuda");
  CHECK(json["duration_ms"] == 1234);
  CHECK(json["error"].is_null());
  SUBCASE("keys in the order of docs/lock-and-events.md") {
    CHECK(event_json(event).starts_with(R"({"type":"install.completed","id":")"));
  }
  SUBCASE("id is a version 4 UUID, time is RFC 3339 UTC") {
    std::string id = json["id"];
    REQUIRE(id.size() == 36);
    CHECK(id[14] == '4');
    CHECK(id[8] == '-');
    CHECK(make_event(event_type::k_remove_completed, "x").id != id);
    std::string time = json["time"];
    CHECK(time.size() == 20);
    CHECK(time.back() == 'Z');
    CHECK(time[10] == 'T');
  }
  SUBCASE("empty fields print null, errors print text") {
    Event failed = make_event(event_type::k_install_failed, "tool");
    failed.error = "checksum mismatch";
    auto failed_json = nlohmann::json::parse(event_json(failed));
    CHECK(failed_json["version"].is_null());
    CHECK(failed_json["from_backend"].is_null());
    CHECK(failed_json["error"] == "checksum mismatch");
  }
}

TEST_CASE("run_hooks") {
  fs::path hooks = test::fresh_dir("hooks");
  fs::path out = test::fresh_dir("hook-out");
  const std::string body = event_json(sample_event());

  SUBCASE("every executable hook receives the event JSON on stdin, in name order") {
    write_hook(hooks / "10-first", "cat > '" + (out / "first.json").string() + "'");
    write_hook(hooks / "20-second", "cat > '" + (out / "second.json").string() + "'");
    test::write_text(hooks / "not-executable", "#!/bin/sh\ntouch '" + (out / "ran").string() + "'\n");
    write_hook(hooks / ".hidden", "touch '" + (out / "ran").string() + "'");
    EventReport report;
    run_hooks(body, hooks, 10s, report);
    CHECK(report.hooks_run == 2);
    CHECK(report.hooks_failed == 0);
    CHECK(report.warnings.empty());
    auto first = nlohmann::json::parse(test::read_text(out / "first.json"));
    CHECK(first["type"] == "install.completed");
    CHECK(first["tool"] == "llama.cpp");
    CHECK(test::read_text(out / "second.json") == body);
    CHECK_FALSE(fs::exists(out / "ran"));
  }
  SUBCASE("a failing hook is a warning and later hooks still run") {
    write_hook(hooks / "a-fails", "exit 3");
    write_hook(hooks / "b-works", "cat > '" + (out / "b.json").string() + "'");
    EventReport report;
    run_hooks(body, hooks, 10s, report);
    CHECK(report.hooks_run == 2);
    CHECK(report.hooks_failed == 1);
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].find("a-fails failed with exit code 3") != std::string::npos);
    CHECK(test::read_text(out / "b.json") == body);
  }
  SUBCASE("a hanging hook is killed at its timeout, with its children") {
    write_hook(hooks / "hangs", "sleep 30 & sleep 30");
    EventReport report;
    auto start = std::chrono::steady_clock::now();
    run_hooks(body, hooks, 300ms, report);
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(took < 5s);
    CHECK(report.hooks_failed == 1);
    REQUIRE(report.warnings.size() == 1);
    CHECK(report.warnings[0].find("did not finish within 300 ms") != std::string::npos);
  }
  SUBCASE("a hook that ignores stdin does not break tailor") {
    write_hook(hooks / "ignores", "exit 0");
    EventReport report;
    run_hooks(std::string(1 << 20, 'x'), hooks, 10s, report);
    CHECK(report.hooks_run == 1);
    CHECK(report.hooks_failed == 0);
  }
  SUBCASE("no hooks directory: nothing runs") {
    EventReport report;
    run_hooks(body, hooks / "missing", 10s, report);
    CHECK(report.hooks_run == 0);
  }
}

TEST_CASE("emit_event") {
  fs::path home = test::fresh_dir("emit-home");
  fs::path out = test::fresh_dir("emit-out");
  test::write_text(home / "config.toml", "[events]\nhook_timeout = \"200ms\"\n");
  write_hook(home / "hooks" / "record", "cat > '" + (out / "event.json").string() + "'");
  write_hook(home / "hooks" / "hang", "sleep 30");
  auto config = config::load_config(home);
  REQUIRE(config);
  std::ostringstream out_stream, err_stream;
  util::Output output;
  output.out = &out_stream;
  output.err = &err_stream;
  EventDelivery delivery;
  delivery.home = home;
  Event failed = make_event(event_type::k_install_failed, "ripgrep");
  failed.error = "verify failed";
  auto report = emit_event(failed, *config, output, delivery);
  CHECK(report.hooks_run == 2);
  CHECK(report.hooks_failed == 1);
  CHECK(err_stream.str().find("warning: hook ") != std::string::npos);
  CHECK(err_stream.str().find("within 200 ms") != std::string::npos);
  CHECK(out_stream.str().empty());
  auto json = nlohmann::json::parse(test::read_text(out / "event.json"));
  CHECK(json["type"] == "install.failed");
  CHECK(json["error"] == "verify failed");
}

TEST_CASE("webhook_key") {
  CHECK(webhook_key("plain-secret") == "plain-secret");
  CHECK(webhook_key("whsec_aGVsbG8gd29ybGQ=") == "hello world");
  CHECK(webhook_key("whsec_aGk=") == "hi");
  CHECK_FALSE(webhook_key("whsec_not base64!").has_value());
}
