// The central registry end to end (docs/registries.md): a real HTTPS server on 127.0.0.1
// serves a registry tree in tsuku's layout (recipes/<letter>/<name>.toml) written by the test,
// and real tailor processes look recipes up, cache them, revalidate them and install them.
// Cache ages are set through the meta file's fetched_at, never with sleeps.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

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

constexpr int64_t k_day = 86400;

std::string tool_recipe(const std::string& name, const std::string& description, const std::string& download_url,
                        const std::vector<std::string>& deps = {}) {
  std::string list;
  for (const auto& dep : deps) list += (list.empty() ? "\"" : ", \"") + dep + "\"";
  return "[metadata]\nname = \"" + name + "\"\ndescription = \"" + description + "\"\n" +
         (deps.empty() ? "" : "dependencies = [" + list + "]\n") + "\n[version]\ngithub_repo = \"test/" + name +
         "\"\n\n[[steps]]\naction = \"download_archive\"\nurl = \"" + download_url +
         "\"\nstrip_dirs = 1\nbinaries = [\"bin/" + name + "\"]\n\n[verify]\ncommand = \"" + name +
         " --version\"\npattern = \"" + name + " {version}\"\n";
}

struct Registry {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  RunOptions options;

  Registry() {
    options = local_install_env(server, home);
    options.env["TAILOR_REGISTRY_URL"] = server.base_url() + "/tsuku";
    options.env["TAILOR_MANIFEST_URL"] = server.url("/recipes.json");
    options.env["TAILOR_GITHUB_API"] = server.base_url();
    options.unset_env = {"GITHUB_TOKEN", "GH_TOKEN", "TAILOR_OFFLINE", "TAILOR_RECIPES"};
    options.timeout_seconds = 60;
  }
  static std::string recipe_path(const std::string& name) {
    return "/tsuku/recipes/" + name.substr(0, 1) + "/" + name + ".toml";
  }
  // A tool recipe whose release is served here too, with its tags on the fake GitHub API.
  std::string add_tool(const std::string& name, const std::vector<std::string>& deps = {},
                       const std::string& description = "A tool from the test registry") {
    ToolRelease release = make_tool_release(name, "1.0.0");
    server.add("/dl/" + release.file_name(), release.bytes);
    server.add_json("/repos/test/" + name + "/tags", R"([{"name": "v1.0.0"}])");
    std::string text = tool_recipe(name, description, server.url("/dl/" + name + "-{version}.tar.gz"), deps);
    server.add(recipe_path(name), text, "text/plain");
    return text;
  }
  RunResult tailor(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) const {
    RunOptions run = options;
    for (const auto& [key, value] : env) run.env[key] = value;
    return run_tailor(args, run);
  }
  std::vector<std::string> recipe_requests() const {
    std::vector<std::string> lines;
    for (const auto& line : server.request_lines())
      if (line.starts_with("GET /tsuku/")) lines.push_back(line);
    return lines;
  }
  fs::path cached(const std::string& name, const std::string& suffix = ".toml") const {
    return home / "registry" / name.substr(0, 1) / (name + suffix);
  }
  json meta(const std::string& name) const { return json::parse(read_text(cached(name, ".meta.json"))); }
  // Pretends the cached copy was fetched `seconds` ago.
  void age(const std::string& name, int64_t seconds) const {
    json doc = meta(name);
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    doc["fetched_at"] = now - seconds;
    write_text(cached(name, ".meta.json"), doc.dump(2));
  }
};

std::string combined(const RunResult& r) { return r.out + r.err; }

}  // namespace

TEST_CASE("central registry: fetch on demand, cache, freshness") {
  Registry reg;
  const std::string text = reg.add_tool("regtool");

  SUBCASE("a name found nowhere locally is fetched, validated, cached and named as its source") {
    auto r = reg.tailor({"info", "regtool", "--json"});
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    json doc = json::parse(r.out);
    CHECK(doc["name"] == "regtool");
    CHECK(doc["source"] == "central " + reg.server.base_url() + "/tsuku");
    CHECK(doc["recipe"]["url"] == reg.server.url(Registry::recipe_path("regtool")));
    CHECK(doc["recipe"]["sha256"] == sha256_hex(text));
    CHECK(read_text(reg.cached("regtool")) == text);
    CHECK(reg.meta("regtool")["sha256"] == sha256_hex(text));
    CHECK(reg.meta("regtool")["size"] == text.size());
    CHECK(reg.recipe_requests() == std::vector<std::string>{"GET /tsuku/recipes/r/regtool.toml"});

    auto again = reg.tailor({"info", "regtool"});
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("recipe from: central " + reg.server.base_url() + "/tsuku") != std::string::npos);
    CHECK(reg.recipe_requests().size() == 1);  // fresh for 24 hours: no request
  }
  SUBCASE("embedded recipes win and never ask the registry") {
    reg.server.add(Registry::recipe_path("ripgrep"), "not even toml", "text/plain");
    auto r = reg.tailor({"info", "ripgrep", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(json::parse(r.out)["source"] == "embedded");
    CHECK(reg.recipe_requests().empty());
  }
  SUBCASE("after the TTL the copy is revalidated with its ETag; a 304 refreshes its time") {
    reg.server.script(Registry::recipe_path("regtool"),
                      {Reply::status_code(200, {{"ETag", "\"v1\""}}, text), Reply::status_code(304)});
    REQUIRE(reg.tailor({"info", "regtool"}).exit_code == 0);
    CHECK(reg.meta("regtool")["etag"] == "\"v1\"");
    reg.age("regtool", 2 * k_day);
    auto r = reg.tailor({"info", "regtool"});
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    auto requests = reg.server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].header("If-None-Match") == "\"v1\"");
    CHECK(requests[1].header("Accept-Encoding") == "identity");
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(reg.meta("regtool")["fetched_at"].get<int64_t>() > now - 60);
    CHECK(r.err.find("warning") == std::string::npos);
  }
  SUBCASE("after the TTL a changed recipe replaces the cached one") {
    REQUIRE(reg.tailor({"info", "regtool"}).exit_code == 0);
    reg.age("regtool", 2 * k_day);
    std::string changed = tool_recipe("regtool", "A changed description", "https://example.org/x-{version}.tar.gz");
    reg.server.add(Registry::recipe_path("regtool"), changed, "text/plain");
    auto r = reg.tailor({"info", "regtool", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(json::parse(r.out)["description"] == "A changed description");
    CHECK(read_text(reg.cached("regtool")) == changed);
  }
  SUBCASE("unreachable: a copy under the stale limit is used with one warning naming its age") {
    REQUIRE(reg.tailor({"info", "regtool"}).exit_code == 0);
    reg.age("regtool", 3 * k_day);
    reg.server.script(Registry::recipe_path("regtool"), {Reply::close()});
    auto r = reg.tailor({"info", "regtool", "--json"});
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(json::parse(r.out)["name"] == "regtool");
    CHECK(r.err.find("could not be reached") != std::string::npos);
    CHECK(r.err.find("using the cached recipe 'regtool' from 3 days ago") != std::string::npos);
    CHECK(r.err.find("warning:") == r.err.rfind("warning:"));  // exactly one
  }
  SUBCASE("unreachable: a copy older than registry.stale_limit is a network error") {
    REQUIRE(reg.tailor({"info", "regtool"}).exit_code == 0);
    reg.age("regtool", 8 * k_day);
    reg.server.script(Registry::recipe_path("regtool"), {Reply::close()});
    auto r = reg.tailor({"info", "regtool"});
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("8 days old, beyond registry.stale_limit (7 days)") != std::string::npos);
  }
  SUBCASE("offline uses any cached copy and never asks; without one the name is not found") {
    REQUIRE(reg.tailor({"info", "regtool"}).exit_code == 0);
    reg.age("regtool", 30 * k_day);
    reg.server.clear_requests();
    auto r = reg.tailor({"info", "regtool"}, {{"TAILOR_OFFLINE", "1"}});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("offline: using the cached registry recipe 'regtool' from 30 days ago") != std::string::npos);
    reg.add_tool("other");
    auto missing = reg.tailor({"info", "other"}, {{"TAILOR_OFFLINE", "1"}});
    CHECK(missing.exit_code == 3);
    CHECK(missing.err.find("no recipe named 'other'") != std::string::npos);
    CHECK(missing.err.find("offline") != std::string::npos);
    CHECK(reg.server.requests().empty());
  }
  SUBCASE("eval --offline plans a cached registry recipe without any request") {
    REQUIRE(reg.tailor({"info", "regtool"}).exit_code == 0);
    reg.server.clear_requests();
    auto r = reg.tailor({"plan", "regtool@1.0.0", "--offline"});
    INFO(combined(r));
    CHECK(reg.recipe_requests().empty());
  }
}

TEST_CASE("central registry: refusals") {
  Registry reg;

  SUBCASE("a name the registry does not have: 404, exit 3, closest names suggested") {
    reg.add_tool("regtool");
    reg.server.add_json("/recipes.json", R"({"schema_version": 1, "generated_at": "2026-12-01T00:00:00Z",
      "recipes": [{"name": "regtool", "description": "A tool"}, {"name": "kubectx", "description": "Switch contexts"}]})");
    REQUIRE(reg.tailor({"update-registry"}).exit_code == 0);
    auto r = reg.tailor({"install", "kubectxx"});
    CHECK(r.exit_code == 3);
    INFO(r.err);
    CHECK(r.err.find("no recipe named 'kubectxx' (did you mean 'kubectx'?)") != std::string::npos);
    CHECK(r.err.find("has none either") != std::string::npos);
    CHECK_FALSE(fs::exists(reg.cached("kubectxx")));
  }
  SUBCASE("names outside ^[a-z0-9][a-z0-9._+-]*$ are refused before any request") {
    for (const char* name : {"../etc/passwd", "a/b/c", "Regtool", ".hidden", "_x", "a%2fb", "a b"}) {
      auto r = reg.tailor({"info", name});
      INFO(name, combined(r));
      CHECK(r.exit_code == 2);  // refused as a usage error (docs/user-guide.md, "Tool names and versions")
    }
    CHECK(reg.server.requests().empty());
  }
  SUBCASE("a recipe over 1 MiB is refused and not cached") {
    reg.server.add(Registry::recipe_path("huge"), std::string((1 << 20) + 1, '#'), "text/plain");
    auto r = reg.tailor({"info", "huge"});
    CHECK(r.exit_code == 10);
    CHECK(r.err.find("larger than") != std::string::npos);
    CHECK_FALSE(fs::exists(reg.cached("huge")));
  }
  SUBCASE("a malformed recipe is refused with url:line:col errors and not cached") {
    reg.server.add(Registry::recipe_path("broken"),
                   "[metadata]\nname = \"broken\"\n\n[[steps]]\naction = \"no_such_action\"\n", "text/plain");
    auto r = reg.tailor({"info", "broken"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(reg.server.url(Registry::recipe_path("broken")) + ":5:") != std::string::npos);
    CHECK(r.err.find("not cached") != std::string::npos);
    CHECK_FALSE(fs::exists(reg.cached("broken")));
    CHECK_FALSE(fs::exists(reg.cached("broken", ".meta.json")));
  }
  SUBCASE("a compressed body is refused, never decoded") {
    reg.server.script(Registry::recipe_path("zipped"),
                      {Reply::status_code(200, {{"Content-Encoding", "gzip"}}, "\x1f\x8b not really")});
    auto r = reg.tailor({"info", "zipped"});
    CHECK(r.exit_code != 0);
    CHECK_FALSE(fs::exists(reg.cached("zipped")));
  }
  SUBCASE("a registry that cannot be reached and no copy: not found, with a note saying why") {
    auto r = reg.tailor({"info", "regtool"}, {{"TAILOR_REGISTRY_URL", dead_base_url()}});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("no recipe named 'regtool'") != std::string::npos);
    CHECK(r.err.find("could not be reached") != std::string::npos);
  }
  SUBCASE("plain http is refused unless loopback testing is allowed") {
    auto r = reg.tailor({"info", "regtool"}, {{"TAILOR_REGISTRY_URL", "http://registry.example.org/tsuku"}});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("registry.url") != std::string::npos);
  }
}

TEST_CASE("central registry: a local directory in the same layout") {
  Registry reg;
  fs::path mirror = fresh_dir("mirror");
  write_text(mirror / "recipes/l/localtool.toml",
             tool_recipe("localtool", "From a local mirror", "https://example.org/localtool-{version}.tar.gz"));
  auto r = reg.tailor({"info", "localtool", "--json"}, {{"TAILOR_REGISTRY_URL", mirror.string()}});
  INFO(combined(r));
  REQUIRE(r.exit_code == 0);
  json doc = json::parse(r.out);
  CHECK(doc["source"] == "central " + mirror.string());
  CHECK(doc["recipe"]["url"] == (mirror / "recipes/l/localtool.toml").string());
  CHECK_FALSE(fs::exists(reg.home / "registry"));  // a local registry is read in place
}

TEST_CASE("install from the central registry") {
  Registry reg;
  reg.add_tool("regdep");
  const std::string text = reg.add_tool("regtool", {"regdep"});

  SUBCASE("the tool and its registry dependency install; the state records the recipes' provenance") {
    auto r = reg.tailor({"install", "regtool"});
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("regdep@1.0.0\nregtool@1.0.0\n") != std::string::npos);
    json state = json::parse(read_text(reg.home / "state.json"));
    const std::string base = reg.server.base_url() + "/tsuku";
    CHECK(state["installed"]["regtool"]["recipe_source"] == "central " + base);
    CHECK(state["installed"]["regtool"]["recipe_url"] == reg.server.url(Registry::recipe_path("regtool")));
    CHECK(state["installed"]["regtool"]["recipe_hash"] == sha256_hex(text));
    CHECK(state["installed"]["regdep"]["recipe_source"] == "central " + base);
    auto info = reg.tailor({"info", "regtool", "--json"});
    REQUIRE(info.exit_code == 0);
    CHECK(json::parse(info.out)["installed_recipe"]["sha256"] == sha256_hex(text));
    auto info_text = reg.tailor({"info", "regtool"});
    CHECK(info_text.out.find("installed from: central " + base) != std::string::npos);
  }
  SUBCASE("two processes install two registry tools sharing a dependency at once") {
    reg.add_tool("regother", {"regdep"});
    Child first = spawn_tailor({"install", "regtool", "--lock-timeout", "60"}, reg.options);
    Child second = spawn_tailor({"install", "regother", "--lock-timeout", "60"}, reg.options);
    RunResult a = first.wait();
    RunResult b = second.wait();
    INFO(combined(a), combined(b));
    CHECK(a.exit_code == 0);
    CHECK(b.exit_code == 0);
    json state = json::parse(read_text(reg.home / "state.json"));
    CHECK(state["installed"]["regtool"]["active_version"] == "1.0.0");
    CHECK(state["installed"]["regother"]["active_version"] == "1.0.0");
    auto required_by = state["installed"]["regdep"]["required_by"];
    CHECK(required_by.size() == 2);
    for (const char* name : {"regdep", "regtool", "regother"}) {
      INFO(name);
      CHECK(read_text(reg.cached(name)).find("name = \"" + std::string(name) + "\"") != std::string::npos);
    }
  }
}
