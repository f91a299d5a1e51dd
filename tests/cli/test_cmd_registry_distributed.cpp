// Distributed registries end to end (docs/registries.md, "Distributed registries"): one real
// HTTPS server on 127.0.0.1 plays the GitHub API (contents listings, tags) and serves the
// releases, a second one serves the raw recipe files the listings point at. Real tailor
// processes register sources, install from them and cache their recipes. Cache ages are set
// through the meta file's fetched_at, never with sleeps.
#include <doctest/doctest.h>

#include <sys/stat.h>

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

std::string tool_recipe(const std::string& name, const std::string& download_url) {
  return "[metadata]\nname = \"" + name + "\"\ndescription = \"A tool from a team registry\"\n\n[version]\n" +
         "github_repo = \"test/" + name + "\"\n\n[[steps]]\naction = \"download_archive\"\nurl = \"" + download_url +
         "\"\nstrip_dirs = 1\nbinaries = [\"bin/" + name + "\"]\n\n[verify]\ncommand = \"" + name +
         " --version\"\npattern = \"" + name + " {version}\"\n";
}

struct Source {
  HttpsServer api;  // the GitHub API and the release downloads
  HttpsServer raw;  // raw.githubusercontent.com: the recipe files
  fs::path home = fresh_dir("home");
  RunOptions options;

  Source() {
    options = local_install_env(api, home);  // one test CA signs both servers
    options.env["TAILOR_GITHUB_API"] = api.base_url();
    options.env["TAILOR_REGISTRY_URL"] = api.base_url() + "/central";
    options.env["TAILOR_MANIFEST_URL"] = api.url("/recipes.json");
    options.unset_env = {"GITHUB_TOKEN", "GH_TOKEN", "TAILOR_OFFLINE", "TAILOR_RECIPES", "TAILOR_REGISTRY_STRICT"};
    options.timeout_seconds = 60;
  }
  static std::string listing_path(const std::string& slug = "acme/tools") {
    return "/repos/" + slug + "/contents/.tsuku-recipes";
  }
  static std::string raw_path(const std::string& name) { return "/acme/tools/main/.tsuku-recipes/" + name + ".toml"; }
  // The contents listing of acme/tools: `names` as recipe files, and a README that is none.
  void list(const std::vector<std::string>& names) {
    json entries = json::array();
    for (const auto& name : names) {
      entries.push_back({{"name", name + ".toml"},
                         {"path", ".tsuku-recipes/" + name + ".toml"},
                         {"type", "file"},
                         {"download_url", raw.url(raw_path(name))}});
    }
    entries.push_back({{"name", "README.md"}, {"type", "file"}, {"download_url", raw.url("/README.md")}});
    api.add_json(listing_path(), entries.dump());
  }
  // A tool recipe on the raw server; its release and tags on the API server.
  std::string add_tool(const std::string& name) {
    ToolRelease release = make_tool_release(name, "1.0.0");
    api.add("/dl/" + release.file_name(), release.bytes);
    api.add_json("/repos/test/" + name + "/tags", R"([{"name": "v1.0.0"}])");
    std::string text = tool_recipe(name, api.url("/dl/" + name + "-{version}.tar.gz"));
    raw.add(raw_path(name), text, "text/plain");
    return text;
  }
  RunResult tailor(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) const {
    RunOptions run = options;
    for (const auto& [key, value] : env) run.env[key] = value;
    return run_tailor(args, run);
  }
  size_t request_count() const { return api.requests().size() + raw.requests().size(); }
  fs::path cached(const std::string& name, const std::string& suffix = ".toml") const {
    return home / "cache/registries/acme/tools" / name.substr(0, 1) / (name + suffix);
  }
  json meta(const std::string& name) const { return json::parse(read_text(cached(name, ".meta.json"))); }
  void age(const std::string& name, int64_t seconds) const {
    json doc = meta(name);
    doc["fetched_at"] = doc["fetched_at"].get<int64_t>() - seconds;
    write_text(cached(name, ".meta.json"), doc.dump(2));
  }
  std::string config() const {
    return fs::exists(home / "config.toml") ? read_text(home / "config.toml") : std::string();
  }
};

std::string combined(const RunResult& r) { return r.out + r.err; }

}  // namespace

TEST_CASE("tailor registry add, list and remove keep config.toml's other keys") {
  Source src;
  write_text(src.home / "config.toml", "[llm]\nbackend = 'cpu'\n");
  ::chmod((src.home / "config.toml").c_str(), 0600);

  auto empty = src.tailor({"registry", "list"});
  CHECK(empty.exit_code == 0);
  CHECK(empty.out.empty());
  CHECK(empty.err.find("tailor registry add OWNER/REPO") != std::string::npos);

  auto added = src.tailor({"registry", "add", "Acme/Tools"});
  INFO(combined(added));
  REQUIRE(added.exit_code == 0);
  CHECK(added.out == "registered acme/tools\n");
  auto ghe = src.tailor({"registry", "add", "corp/recipes", "--api-url", "https://github.example.com/api/v3/"});
  REQUIRE(ghe.exit_code == 0);
  const std::string file = src.config();
  // The writer of `tailor config set` quotes with TOML literal strings.
  CHECK(file.find("[registries.'acme/tools']") != std::string::npos);
  CHECK(file.find("[registries.'corp/recipes']\napi_url = 'https://github.example.com/api/v3'") != std::string::npos);
  CHECK(file.find("backend = 'cpu'") != std::string::npos);
  CHECK(src.tailor({"config", "get", "llm.backend"}).out == "cpu\n");

  auto again = src.tailor({"registry", "add", "acme/tools"});
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("already registered") != std::string::npos);

  auto list = src.tailor({"registry", "list"});
  CHECK(list.out == "acme/tools\ncorp/recipes  api_url https://github.example.com/api/v3\n");
  auto list_json = src.tailor({"registry", "list", "--json"});
  REQUIRE(list_json.exit_code == 0);
  CHECK(json::parse(list_json.out) == json::parse(R"({"registries": [{"name": "acme/tools", "api_url": null},
                       {"name": "corp/recipes", "api_url": "https://github.example.com/api/v3"}]})"));

  auto removed = src.tailor({"registry", "remove", "acme/tools"});
  CHECK(removed.exit_code == 0);
  CHECK(removed.out == "removed acme/tools\n");
  CHECK(src.tailor({"registry", "list"}).out == "corp/recipes  api_url https://github.example.com/api/v3\n");
  auto unknown = src.tailor({"registry", "remove", "acme/tools"});
  CHECK(unknown.exit_code == 0);
  CHECK(unknown.err.find("acme/tools was not registered") != std::string::npos);
  CHECK(src.tailor({"registry", "remove", "corp/recipes"}).exit_code == 0);
  CHECK(src.config() == "[llm]\nbackend = 'cpu'\n");

  SUBCASE("bad names and a plain-http API URL are refused") {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"registry", "add", "acme"},
             {"registry", "add", "acme/tools/x"},
             {"registry", "add", "-acme/tools"},
             {"registry", "add", "ac_me/tools"},
             {"registry", "add", "acme/.."},
             {"registry", "remove", "acme/t ools"},
             {"registry", "add", "acme/tools", "--api-url", "http://github.example.com/api/v3"}}) {
      auto r = src.tailor(args);
      INFO(args[2], " ", combined(r));
      CHECK(r.exit_code == 2);
    }
    CHECK(src.config() == "[llm]\nbackend = 'cpu'\n");
  }
}

TEST_CASE("distributed registries: install with --yes, provenance, and the token only for the API host") {
  Source src;
  const std::string text = src.add_tool("acmetool");
  src.list({"acmetool"});

  auto r = src.tailor({"install", "acme/tools:acmetool", "--yes"}, {{"GITHUB_TOKEN", "secret-token"}});
  INFO(combined(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("acmetool@1.0.0") != std::string::npos);
  CHECK(r.err.find("registered acme/tools") != std::string::npos);
  CHECK(src.config().find("[registries.'acme/tools']") != std::string::npos);
  json state = json::parse(read_text(src.home / "state.json"));
  CHECK(state["installed"]["acmetool"]["recipe_source"] == "registry acme/tools");
  CHECK(state["installed"]["acmetool"]["recipe_url"] == src.raw.url(Source::raw_path("acmetool")));
  CHECK(state["installed"]["acmetool"]["recipe_hash"] == sha256_hex(text));
  CHECK(read_text(src.cached("acmetool")) == text);

  // The listing went to the API host with the token; the raw file went elsewhere without it.
  bool listed = false;
  for (const auto& request : src.api.requests()) {
    if (request.path != Source::listing_path()) continue;
    listed = true;
    CHECK(request.header("Authorization") == "Bearer secret-token");
  }
  CHECK(listed);
  REQUIRE(src.raw.request_lines() == std::vector<std::string>{"GET " + Source::raw_path("acmetool")});
  CHECK(src.raw.requests()[0].header("Authorization").empty());
  CHECK(src.raw.requests()[0].header("Accept-Encoding") == "identity");

  auto info = src.tailor({"info", "acme/tools:acmetool", "--json"});
  INFO(combined(info));
  REQUIRE(info.exit_code == 0);
  json doc = json::parse(info.out);
  CHECK(doc["source"] == "registry acme/tools");
  CHECK(doc["recipe"]["url"] == src.raw.url(Source::raw_path("acmetool")));
  CHECK(doc["installed_recipe"]["source"] == "registry acme/tools");
  auto info_text = src.tailor({"info", "acme/tools:acmetool"});
  CHECK(info_text.out.find("recipe from: registry acme/tools (" + src.raw.url(Source::raw_path("acmetool"))) !=
        std::string::npos);

  SUBCASE("owner/repo alone names the only recipe; @version pins it") {
    auto plan = src.tailor({"eval", "acme/tools@1.0.0"});
    INFO(combined(plan));
    REQUIRE(plan.exit_code == 0);
    CHECK(json::parse(plan.out)["tool"] == "acmetool");
    CHECK(json::parse(plan.out)["version"] == "1.0.0");
  }
  SUBCASE("owner/repo alone with several recipes and none named like the repo says which to pick") {
    src.add_tool("other");
    src.list({"acmetool", "other"});
    auto plan = src.tailor({"plan", "acme/tools"});
    CHECK(plan.exit_code == 3);
    CHECK(plan.err.find("has several recipes (acmetool, other); name one: acme/tools:acmetool") != std::string::npos);
  }
}

TEST_CASE("distributed registries: consent and registry.strict") {
  Source src;
  src.add_tool("acmetool");
  src.list({"acmetool"});

  SUBCASE("an unregistered source needs --yes when there is no terminal; nothing is asked of GitHub") {
    auto r = src.tailor({"install", "acme/tools:acmetool"});
    INFO(combined(r));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("acme/tools is not a registered recipe source") != std::string::npos);
    CHECK(r.err.find("--yes") != std::string::npos);
    CHECK(r.err.find("`tailor registry add acme/tools`") != std::string::npos);
    CHECK(src.request_count() == 0);
    CHECK_FALSE(fs::exists(src.home / "state.json"));
    CHECK(src.config().find("registries") == std::string::npos);
  }
  SUBCASE("a registered source installs without --yes") {
    REQUIRE(src.tailor({"registry", "add", "acme/tools"}).exit_code == 0);
    auto r = src.tailor({"install", "acme/tools:acmetool"});
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("registered acme/tools") == std::string::npos);
  }
  SUBCASE("plan and info read an unregistered source without registering it") {
    CHECK(src.tailor({"info", "acme/tools:acmetool"}).exit_code == 0);
    CHECK(src.config().find("registries") == std::string::npos);
  }
  SUBCASE("registry.strict refuses every unregistered source, --yes or not, before any request") {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"install", "acme/tools:acmetool", "--yes"}, {"info", "acme/tools:acmetool"}, {"plan", "acme/tools"}}) {
      auto r = src.tailor(args, {{"TAILOR_REGISTRY_STRICT", "1"}});
      INFO(args[0], " ", combined(r));
      CHECK(r.exit_code == 2);
      CHECK(r.err.find("registry.strict") != std::string::npos);
      CHECK(r.err.find("`tailor registry add acme/tools`") != std::string::npos);
    }
    CHECK(src.request_count() == 0);
    REQUIRE(src.tailor({"registry", "add", "acme/tools"}).exit_code == 0);
    auto r = src.tailor({"install", "acme/tools:acmetool"}, {{"TAILOR_REGISTRY_STRICT", "1"}});
    INFO(combined(r));
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("distributed registries: an hour of freshness, then ETag revalidation; stale and offline copies") {
  Source src;
  const std::string text = src.add_tool("acmetool");
  src.list({"acmetool"});
  src.raw.script(Source::raw_path("acmetool"), {Reply::status_code(200, {{"ETag", "\"r1\""}}, text)});
  REQUIRE(src.tailor({"info", "acme/tools:acmetool"}).exit_code == 0);
  CHECK(src.meta("acmetool")["etag"] == "\"r1\"");
  CHECK(src.meta("acmetool")["url"] == src.raw.url(Source::raw_path("acmetool")));

  SUBCASE("a copy younger than an hour is used without any request") {
    src.api.clear_requests();
    src.raw.clear_requests();
    src.age("acmetool", 50 * 60);
    CHECK(src.tailor({"info", "acme/tools:acmetool"}).exit_code == 0);
    CHECK(src.request_count() == 0);
  }
  SUBCASE("after an hour the raw file is revalidated with If-None-Match; a 304 refreshes the copy's time") {
    src.api.clear_requests();
    src.raw.clear_requests();
    src.age("acmetool", 2 * 3600);
    src.raw.script(Source::raw_path("acmetool"), {Reply::status_code(304)});
    auto r = src.tailor({"info", "acme/tools:acmetool"});
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(src.api.requests().empty());
    auto requests = src.raw.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].header("If-None-Match") == "\"r1\"");
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    CHECK(src.meta("acmetool")["fetched_at"].get<int64_t>() > now - 60);
    CHECK(r.err.find("warning") == std::string::npos);
  }
  SUBCASE("GitHub unreachable: a stale copy is used with a warning naming its age") {
    src.age("acmetool", 3 * 86400);
    src.raw.script(Source::raw_path("acmetool"), {Reply::close()});
    auto r = src.tailor({"info", "acme/tools:acmetool"});
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning: the registry acme/tools could not be reached") != std::string::npos);
    CHECK(r.err.find("from 3 days ago") != std::string::npos);
  }
  SUBCASE("offline: the copy is used whatever its age, and nothing is asked") {
    src.age("acmetool", 30 * 86400);
    src.api.clear_requests();
    src.raw.clear_requests();
    auto r = src.tailor({"info", "acme/tools:acmetool"}, {{"TAILOR_OFFLINE", "1"}});
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("offline: using the cached recipe 'acmetool' of acme/tools from 30 days ago") !=
          std::string::npos);
    CHECK(src.request_count() == 0);
  }
}

TEST_CASE("distributed registries: invalid recipes are refused and never cached") {
  Source src;
  src.list({"broken", "liar"});
  src.raw.add(Source::raw_path("broken"), "[metadata]\nname = \"broken\"\n\n[[steps]]\naction = \"no_such_action\"\n",
              "text/plain");
  src.raw.add(Source::raw_path("liar"), tool_recipe("someone-else", "https://example.org/x-{version}.tar.gz"),
              "text/plain");
  src.raw.add(Source::raw_path("huge"), std::string((1 << 20) + 1, '#'), "text/plain");

  auto broken = src.tailor({"info", "acme/tools:broken"});
  CHECK(broken.exit_code == 1);
  CHECK(broken.err.find(src.raw.url(Source::raw_path("broken")) + ":5:") != std::string::npos);
  CHECK_FALSE(fs::exists(src.cached("broken")));
  auto liar = src.tailor({"info", "acme/tools:liar"});
  CHECK(liar.exit_code == 1);
  CHECK(liar.err.find("declares the name 'someone-else', not 'liar'") != std::string::npos);
  CHECK_FALSE(fs::exists(src.cached("liar")));
  src.list({"huge"});
  auto huge = src.tailor({"info", "acme/tools:huge"});
  CHECK(huge.exit_code == 10);
  CHECK_FALSE(fs::exists(src.cached("huge")));
  auto missing = src.tailor({"info", "acme/tools:nothere"});
  CHECK(missing.exit_code == 3);
  CHECK(missing.err.find("the repository acme/tools has no nothere.toml in .tsuku-recipes") != std::string::npos);
  auto no_dir = src.tailor({"info", "acme/empty:x"});
  CHECK(no_dir.exit_code == 3);
  CHECK(no_dir.err.find("the repository acme/empty has no .tsuku-recipes directory") != std::string::npos);
}

TEST_CASE("distributed registries: bad owner/repo names are refused before any request") {
  Source src;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"info", "acme/to ols"},
                                             {"info", "-acme/tools"},
                                             {"info", "acme/../tools"},
                                             {"info", "acme/.."},
                                             {"info", "ac_me/tools:x"},
                                             {"plan", "acme/tools:../x"},
                                             {"eval", "acme/tools:Tool"},
                                             {"eval", "acme/tools:x@../1"},
                                             {"install", "acme/tools%2f..:x", "--yes"},
                                             {"install", std::string(40, 'a') + "/tools", "--yes"}}) {
    auto r = src.tailor(args);
    INFO(args[0], " ", args[1], ": ", combined(r));
    CHECK(r.exit_code == 2);
  }
  CHECK(src.request_count() == 0);
  CHECK_FALSE(fs::exists(src.home / "cache/registries"));
}
