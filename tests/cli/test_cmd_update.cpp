// outdated, update and rollback against a loopback GitHub-shaped API and artifact server:
// install 1.0.0, publish 1.1.0, `outdated` lists it, `update` installs it, `rollback` returns.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::json;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A recipe whose versions come from GitHub releases of example-org/tool (the local server) and
// whose archive carries the version in its URL.
struct UpdateEnv {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path registry = fresh_dir("registry");
  RunOptions options;

  UpdateEnv() {
    options = local_install_env(server, home);
    options.env["TAILOR_GITHUB_API"] = server.base_url();
    options.env["TAILOR_RECIPES"] = registry.string();
    options.unset_env = {"TAILOR_BACKEND", "GITHUB_TOKEN", "GH_TOKEN", "TAILOR_API_CACHE_TTL"};
    write_text(registry / "tool.toml",
               "[metadata]\nname = \"tool\"\ndescription = \"A tool\"\nhomepage = \"https://tool.example.org/\"\n\n"
               "[version]\ngithub_repo = \"example-org/tool\"\n\n[[steps]]\naction = \"download_archive\"\nurl = \"" +
                   server.url("/dl/{version}/tool.tar.gz") +
                   "\"\nstrip_dirs = 1\nbinaries = [\"bin/tool\"]\n\n[verify]\ncommand = \"tool --version\"\n");
  }
  // Makes `version` the latest release (and lists `tags`, newest first) and serves its archive.
  void publish(const std::string& version, const std::vector<std::string>& tags = {}) {
    server.add_json("/repos/example-org/tool/releases/latest", R"({"tag_name": "v)" + version + R"("})");
    json listed = json::array();
    for (const auto& tag : tags) listed.push_back({{"name", "v" + tag}});
    server.add_json("/repos/example-org/tool/tags", listed.dump());
    ToolRelease release = make_tool_release("tool", version);
    server.add("/dl/" + version + "/tool.tar.gz", release.bytes);
  }
  RunResult tailor(const std::vector<std::string>& args) const { return run_tailor(args, options); }
  std::string run_bin() const { return run({(home / "bin" / "tool").string(), "--version"}).out; }
  json state() const { return json::parse(read_text(home / "state.json")); }
};

}  // namespace

TEST_CASE("install 1.0.0, publish 1.1.0: outdated lists it, update installs it, rollback returns to 1.0.0") {
  UpdateEnv env;
  env.publish("1.0.0");
  auto installed = env.tailor({"install", "tool"});
  REQUIRE_MESSAGE(installed.exit_code == 0, installed.err);
  REQUIRE(env.run_bin() == "tool 1.0.0\n");
  auto current = env.tailor({"outdated"});
  CHECK(current.exit_code == 0);
  CHECK(current.out.empty());
  CHECK(contains(current.err, "every checked tool is up to date"));

  env.publish("1.1.0");
  // The version cache is fresh for an hour: outdated answers from it, --refresh asks again.
  CHECK(env.tailor({"outdated"}).out.empty());
  auto outdated = env.tailor({"outdated", "--refresh"});
  INFO(outdated.err);
  CHECK(outdated.exit_code == 0);
  CHECK(outdated.out == "tool 1.0.0 -> 1.1.0\n");
  auto as_json = env.tailor({"outdated", "--json"});
  REQUIRE(as_json.exit_code == 0);
  json doc = json::parse(as_json.out);
  CHECK(doc["offline"] == false);
  REQUIRE(doc["tools"].size() == 1);
  CHECK(doc["tools"][0]["status"] == "outdated");
  CHECK(doc["tools"][0]["installed"] == "1.0.0");
  CHECK(doc["tools"][0]["newest"] == "1.1.0");
  CHECK(doc["tools"][0]["requested"] == "");

  SUBCASE("update installs it, keeps 1.0.0, and rollback goes back with its receipt") {
    auto dry = env.tailor({"update", "tool", "--dry-run"});
    CHECK(dry.exit_code == 0);
    CHECK(dry.out == "tool 1.0.0 -> 1.1.0 (dry run)\n");
    CHECK_FALSE(fs::exists(env.home / "tools" / "tool-1.1.0"));

    auto updated = env.tailor({"update", "tool"});
    INFO(updated.err);
    REQUIRE(updated.exit_code == 0);
    CHECK(updated.out == "tool 1.0.0 -> 1.1.0\n");
    CHECK(env.run_bin() == "tool 1.1.0\n");
    CHECK(env.tailor({"list"}).out == "tool 1.1.0 (active) (+1 other version)\n");
    CHECK(env.tailor({"list", "--all-versions"}).out == "tool 1.0.0 (previous)\ntool 1.1.0 (active)\n");
    CHECK(env.tailor({"outdated"}).out.empty());
    auto again = env.tailor({"update", "--all"});
    CHECK(again.exit_code == 0);
    CHECK(again.out.empty());
    CHECK(contains(again.err, "tool 1.1.0 is up to date"));

    auto back = env.tailor({"rollback", "tool"});
    INFO(back.err);
    REQUIRE(back.exit_code == 0);
    CHECK(back.out == "tool 1.1.0 -> 1.0.0\n");
    CHECK(env.run_bin() == "tool 1.0.0\n");
    CHECK(env.state()["installed"]["tool"]["active_version"] == "1.0.0");
    CHECK(env.state()["installed"]["tool"]["previous_version"] == "1.1.0");
    auto info = env.tailor({"info", "tool", "--json"});
    REQUIRE_MESSAGE(info.exit_code == 0, info.err);
    json described = json::parse(info.out);
    CHECK(described["installed"]["version"] == "1.0.0");
    CHECK(described["installed"]["receipt"]["version"] == "1.0.0");
    CHECK(env.tailor({"verify", "tool"}).exit_code == 0);

    // A second rollback returns to the version rolled back from; update activates it too.
    CHECK(env.tailor({"rollback", "tool"}).out == "tool 1.0.0 -> 1.1.0\n");
    CHECK(env.run_bin() == "tool 1.1.0\n");
    CHECK(env.tailor({"activate", "tool", "1.0.0"}).out == "tool 1.1.0 -> 1.0.0\n");
    env.server.clear_requests();
    auto reactivated = env.tailor({"update", "tool"});
    CHECK(reactivated.exit_code == 0);
    CHECK(reactivated.out == "tool 1.0.0 -> 1.1.0 (installed already, now active)\n");
    CHECK(env.run_bin() == "tool 1.1.0\n");
    CHECK(env.server.request_lines().empty());  // the version cache answered; nothing downloaded
  }
  SUBCASE("unreachable provider: outdated answers offline from the cache and says so") {
    env.options.env["TAILOR_API_CACHE_TTL"] = "0";  // every cached answer is stale
    // The provider fails (as it does when GitHub is down) for the two runs below.
    env.server.script("/repos/example-org/tool/releases/latest",
                      {Reply::status_code(503, {}, ""), Reply::status_code(503, {}, "")});
    auto offline = env.tailor({"outdated"});
    INFO(offline.err);
    CHECK(offline.exit_code == 0);
    CHECK(offline.out == "tool 1.0.0 -> 1.1.0\n");
    CHECK(contains(offline.err, "warning: answered offline from the version cache"));
    CHECK(contains(offline.err, "HTTP 503"));
    json offline_doc = json::parse(env.tailor({"outdated", "--json"}).out);
    CHECK(offline_doc["offline"] == true);
    CHECK(offline_doc["cache_fetched_at"].get<std::string>().size() == 20);

    SUBCASE("--offline asks nothing; without a cached answer it is exit 5") {
      env.server.clear_requests();
      auto cached = env.tailor({"outdated", "--offline"});
      CHECK(cached.exit_code == 0);
      CHECK(cached.out == "tool 1.0.0 -> 1.1.0\n");
      CHECK(contains(cached.err, "--offline"));
      CHECK(env.server.request_lines().empty());
      fs::remove_all(env.home / "cache" / "api");
      auto none = env.tailor({"outdated", "--offline"});
      CHECK(none.exit_code == 5);
      CHECK(contains(none.err, "no cached answer"));
    }
  }
}

TEST_CASE("outdated and update keep the request's constraint") {
  UpdateEnv env;
  env.publish("1.0.0", {"1.0.0"});
  auto installed = env.tailor({"install", "tool@1"});
  REQUIRE_MESSAGE(installed.exit_code == 0, installed.err);
  CHECK(env.state()["installed"]["tool"]["versions"]["1.0.0"]["requested"] == "1");

  env.publish("2.0.0", {"2.0.0", "1.1.0", "1.0.0"});
  env.server.add("/dl/1.1.0/tool.tar.gz", make_tool_release("tool", "1.1.0").bytes);
  auto outdated = env.tailor({"outdated", "--refresh"});
  INFO(outdated.err);
  CHECK(outdated.exit_code == 0);
  CHECK(outdated.out == "tool 1.0.0 -> 1.1.0 (requested 1)\n");

  auto updated = env.tailor({"update", "--all"});
  INFO(updated.err);
  REQUIRE(updated.exit_code == 0);
  CHECK(updated.out == "tool 1.0.0 -> 1.1.0\n");
  CHECK(env.run_bin() == "tool 1.1.0\n");
  CHECK(env.state()["installed"]["tool"]["versions"]["1.1.0"]["requested"] == "1");
  CHECK(env.tailor({"outdated"}).out.empty());  // 2.0.0 is outside @1
  CHECK_FALSE(fs::exists(env.home / "tools" / "tool-2.0.0"));
}

TEST_CASE("two updates at once serialize on the install lock") {
  UpdateEnv env;
  env.publish("1.0.0");
  REQUIRE(env.tailor({"install", "tool"}).exit_code == 0);
  env.publish("1.1.0");
  // Both updates stop mid-download of 1.1.0, then race for the install lock.
  env.server.script("/dl/1.1.0/tool.tar.gz", {Reply::hold(), Reply::hold()});
  const std::vector<std::string> args = {"update", "tool", "--refresh", "--lock-timeout", "60"};
  Child first = spawn_tailor(args, env.options);
  Child second = spawn_tailor(args, env.options);
  const bool both_held = env.server.wait_for_held(2, std::chrono::seconds(60));
  env.server.release_held();
  RunResult a = first.wait();
  RunResult b = second.wait();
  INFO(a.err, b.err);
  CHECK(both_held);
  CHECK(a.exit_code == 0);
  CHECK(b.exit_code == 0);
  // One installed it; the other found it installed once it held the lock.
  CHECK((a.out + b.out) == "tool 1.0.0 -> 1.1.0\n");
  CHECK(contains(a.err + b.err, "tool 1.1.0 is up to date (installed meanwhile by another tailor)"));
  CHECK(env.run_bin() == "tool 1.1.0\n");
  CHECK(env.state()["installed"]["tool"]["previous_version"] == "1.0.0");
  CHECK(env.tailor({"list", "--all-versions"}).out == "tool 1.0.0 (previous)\ntool 1.1.0 (active)\n");
}
