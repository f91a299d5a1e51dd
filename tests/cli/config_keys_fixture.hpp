#pragma once
// The fixture and row type of the config key table (test_config_keys.cpp); rows of one area
// may live in their own file (test_config_keys_registry.cpp).
#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace tailor::test::keys {
namespace fs = std::filesystem;

// One run of a row: its own home, servers and environment.
struct Fixture {
  HttpsServer server;
  std::unique_ptr<HttpsServer> other;  // a mirror or a webhook receiver, when a row needs one
  fs::path home = fresh_dir("keys-home");
  fs::path dir = fresh_dir("keys-work");
  RunOptions options = local_install_env(server, home);
  std::string base_toml;  // more config.toml lines the row needs, after the key's line
  Clock::duration elapsed{};

  Fixture() { options.timeout_seconds = 30; }
  HttpsServer& second() {
    if (!other) other = std::make_unique<HttpsServer>();
    return *other;
  }
  std::string expand(std::string text) const {
    for (auto [name, value] :
         {std::pair{"{server}", server.base_url()}, std::pair{"{other}", other ? other->base_url() : std::string()}}) {
      for (auto at = text.find(name); at != std::string::npos; at = text.find(name)) {
        text.replace(at, std::string_view(name).size(), value);
      }
    }
    return text;
  }
  void write_config(const std::string& content) {
    write_text(home / "config.toml", content);
    ::chmod((home / "config.toml").c_str(), 0600);
  }
  RunResult tailor(const std::vector<std::string>& args) {
    auto start = Clock::now();
    RunResult result = run_tailor(args, options);
    elapsed = Clock::now() - start;
    return result;
  }
  // Serves `release` and writes a plan for it; returns the plan's path.
  std::string serve_plan(const ToolRelease& release) {
    server.add("/" + release.file_name(), release.bytes);
    fs::path plan = dir / (release.name + ".json");
    write_text(plan, make_tool_plan(release, server.url("/" + release.file_name())).dump(2));
    return plan.string();
  }
  std::vector<RecordedRequest> all_requests() const {
    auto requests = server.requests();
    if (other) {
      auto more = other->requests();
      requests.insert(requests.end(), more.begin(), more.end());
    }
    return requests;
  }
};

struct Row {
  std::string file_value;    // as written in config.toml ({server} and {other} expand to base URLs)
  std::string env_value;     // as set in the environment
  std::string invalid_file;  // an invalid value in config.toml
  std::string invalid_env;   // an invalid value in the environment; "" when every text is valid
  std::function<void(Fixture&)> prepare;
  std::function<RunResult(Fixture&)> run;  // a command that uses the key
  // The promised effect of `value` (the file's or the environment's, unquoted).
  std::function<void(Fixture&, const RunResult&, const std::string& value)> expect;
};

inline std::string text(const RunResult& r) { return "exit " + std::to_string(r.exit_code) + "\n" + r.out + r.err; }
inline std::string unquoted(std::string value) {
  if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
  return value;
}

// Adds the rows of the registry.* keys.
void add_registry_rows(std::map<std::string, Row>& table);
// Adds the rows of the security.* keys (test_config_keys_security.cpp).
void add_security_rows(std::map<std::string, Row>& table);
// Adds the rows of the ecosystem.* keys (test_config_keys_ecosystem.cpp).
void add_ecosystem_rows(std::map<std::string, Row>& table);

}  // namespace tailor::test::keys
