// `tailor search`, `tailor recipes --all`, `tailor update-registry` and the registry cache in
// `tailor cache` (docs/registries.md), against a manifest and a registry tree in tsuku's
// layout served by a real HTTPS server on 127.0.0.1.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::json;

namespace {

const char* k_manifest = R"({"schema_version": 1, "generated_at": "2026-12-01T00:00:00Z",
  "recipes": [
    {"name": "kubectx", "description": "Switch between Kubernetes contexts", "homepage": "https://example.org/kubectx",
     "dependencies": [], "runtime_dependencies": []},
    {"name": "kubens", "description": "Switch Kubernetes namespaces"},
    {"name": "mykube", "description": "Another cluster helper"},
    {"name": "helmfile", "description": "Declarative spec for deploying charts to kube clusters"},
    {"name": "../evil", "description": "never listed"},
    {"name": "jq", "description": "Command-line JSON processor"}]})";

std::string simple_recipe(const std::string& name, const std::string& description) {
  return "[metadata]\nname = \"" + name + "\"\ndescription = \"" + description + "\"\n\n[version]\ngithub_repo = \"t/" +
         name +
         "\"\n\n[[steps]]\naction = \"download\"\nurl = "
         "\"https://example.org/" +
         name + "-{version}\"\n\n[verify]\ncommand = \"" + name + " --version\"\n";
}

struct Fixture {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  RunOptions options;
  Fixture() {
    options = local_install_env(server, home);
    options.env["TAILOR_REGISTRY_URL"] = server.base_url() + "/tsuku";
    options.env["TAILOR_MANIFEST_URL"] = server.url("/recipes.json");
    options.unset_env = {"TAILOR_OFFLINE", "TAILOR_RECIPES"};
  }
  RunResult tailor(const std::vector<std::string>& args) const { return run_tailor(args, options); }
};

std::vector<std::string> names_of(const json& list) {
  std::vector<std::string> names;
  for (const auto& entry : list) names.push_back(entry["name"]);
  return names;
}

}  // namespace

TEST_CASE("tailor search") {
  Fixture f;
  f.server.add_json("/recipes.json", k_manifest);

  SUBCASE("the first search fetches the manifest; later ones never touch the network") {
    auto r = f.tailor({"search", "kube", "--json"});
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    json hits = json::parse(r.out);
    // name prefix (kubectl embedded, kubectx, kubens), substring (mykube), description (the
    // embedded helm and k9s, and helmfile), each group by name
    CHECK(names_of(hits) ==
          std::vector<std::string>{"kubectl", "kubectx", "kubens", "mykube", "helm", "helmfile", "k9s"});
    CHECK(hits[0]["source"] == "embedded");
    CHECK(hits[1]["source"] == "central");
    CHECK(hits[1]["match"] == "prefix");
    CHECK(hits[3]["match"] == "substring");
    CHECK(hits[5]["match"] == "description");
    CHECK(hits[5]["source"] == "central");
    CHECK(hits[1]["installed"] == false);
    CHECK(fs::exists(f.home / "registry/manifest.json"));
    CHECK(f.server.request_lines() == std::vector<std::string>{"GET /recipes.json"});

    auto exact = f.tailor({"search", "kubectx", "--limit", "1"});
    CHECK(exact.exit_code == 0);
    CHECK(exact.out == "kubectx  Switch between Kubernetes contexts  [central]\n");
    CHECK(f.server.request_lines().size() == 1);
  }
  SUBCASE("words of the description, case-insensitive, and a name never seen") {
    REQUIRE(f.tailor({"update-registry"}).exit_code == 0);
    // jq is embedded and the manifest's: the embedded one (what install would use) is shown.
    auto r = f.tailor({"search", "JSON command line", "--json"});
    CHECK(names_of(json::parse(r.out)) == std::vector<std::string>{"jq"});
    CHECK(json::parse(r.out)[0]["source"] == "embedded");
    auto none = f.tailor({"search", "zzzz"});
    CHECK(none.exit_code == 0);
    CHECK(none.out.empty());
    CHECK(none.err.find("no recipe matches 'zzzz'") != std::string::npos);
    auto bad = f.tailor({"search", "evil", "--json"});
    CHECK(json::parse(bad.out).empty());  // a manifest name that is not a valid recipe name is dropped
  }
  SUBCASE("installed tools are flagged") {
    write_text(f.home / "state.json", R"({"installed": {"kubens": {"active_version": "1.0", "versions": {"1.0":
      {"binaries": [], "binary_checksums": {}, "installed_at": "2026-12-01T00:00:00Z"}}}}, "libs": {}})");
    auto r = f.tailor({"search", "kubens", "--json"});
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)[0]["installed"] == true);
  }
  SUBCASE("an unknown schema version is refused with a clear message") {
    f.server.add_json("/v2.json", R"({"schema_version": 2, "recipes": []})");
    RunOptions run = f.options;
    run.env["TAILOR_MANIFEST_URL"] = f.server.url("/v2.json");
    auto r = run_tailor({"update-registry"}, run);
    CHECK(r.exit_code == 5);
    CHECK(r.out.find("manifest schema_version 2 is not supported") != std::string::npos);
    CHECK_FALSE(fs::exists(f.home / "registry/manifest.json"));
  }
  SUBCASE("without a manifest and without a network, local recipes are still searched") {
    RunOptions run = f.options;
    run.env["TAILOR_MANIFEST_URL"] = dead_base_url() + "/recipes.json";
    auto r = run_tailor({"search", "kube", "--json"}, run);
    CHECK(r.exit_code == 0);
    for (const auto& hit : json::parse(r.out)) CHECK(hit["source"] == "embedded");
    CHECK(json::parse(r.out)[0]["name"] == "kubectl");
    CHECK(r.err.find("could not be fetched") != std::string::npos);
  }
  SUBCASE("recipes --all lists the manifest after the local recipes") {
    auto r = f.tailor({"recipes", "--all", "--json"});
    REQUIRE(r.exit_code == 0);
    json list = json::parse(r.out);
    auto names = names_of(list);
    CHECK(std::find(names.begin(), names.end(), "kubectx") != names.end());
    CHECK(std::count(names.begin(), names.end(), "jq") == 1);
    CHECK(list.back()["source"] == "central");
    auto plain = f.tailor({"recipes", "--json"});
    auto local = names_of(json::parse(plain.out));
    CHECK(std::find(local.begin(), local.end(), "kubectx") == local.end());
  }
}

TEST_CASE("tailor update-registry and the registry cache") {
  Fixture f;
  f.server.add_json("/recipes.json", k_manifest);
  f.server.add("/tsuku/recipes/a/alpha.toml", simple_recipe("alpha", "First"), "text/plain");
  f.server.add("/tsuku/recipes/b/beta.toml", simple_recipe("beta", "Second"), "text/plain");
  REQUIRE(f.tailor({"info", "alpha"}).exit_code == 0);
  REQUIRE(f.tailor({"info", "beta"}).exit_code == 0);

  SUBCASE("refreshes every cached recipe whatever its age and says what changed") {
    f.server.add("/tsuku/recipes/a/alpha.toml", simple_recipe("alpha", "First, improved"), "text/plain");
    f.server.add("/tsuku/recipes/b/beta.toml", "", "text/plain");
    f.server.script("/tsuku/recipes/b/beta.toml", {Reply::status_code(404)});
    auto r = f.tailor({"update-registry"});
    INFO(r.out, r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("manifest: 5 recipes (5 added, 0 removed)\n") != std::string::npos);
    CHECK(r.out.find("updated  alpha\n") != std::string::npos);
    CHECK(r.out.find("removed  beta (no longer in the registry)\n") != std::string::npos);
    CHECK(r.out.find("2 cached recipes: 1 updated, 0 unchanged, 1 removed, 0 failed\n") != std::string::npos);
    CHECK(read_text(f.home / "registry/a/alpha.toml").find("First, improved") != std::string::npos);
    CHECK_FALSE(fs::exists(f.home / "registry/b/beta.toml"));
    auto again = f.tailor({"update-registry", "--json"});
    json doc = json::parse(again.out);
    CHECK(doc["unchanged"] == json::array({"alpha"}));
    CHECK(doc["manifest"]["changed"] == false);
  }
  SUBCASE("offline is refused") {
    RunOptions run = f.options;
    run.env["TAILOR_OFFLINE"] = "1";
    CHECK(run_tailor({"update-registry"}, run).exit_code == 2);
  }
  SUBCASE("cache info shows the registry cache; cache clear --registry empties only it") {
    auto info = json::parse(f.tailor({"cache", "info", "--json"}).out);
    json registry;
    for (const auto& cache : info["caches"])
      if (cache["name"] == "registry") registry = cache;
    REQUIRE(registry.is_object());
    CHECK(registry["entries"] == 2);
    CHECK(registry["paths"] == json::array({(f.home / "registry").string()}));
    auto r = f.tailor({"cache", "clear", "--registry"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("cleared registry cache: 2 entries") != std::string::npos);
    CHECK_FALSE(fs::exists(f.home / "registry/a/alpha.toml"));
  }
  SUBCASE("the cache keeps under registry.cache_size, least recently used out first") {
    write_text(f.home / "config.toml", "[registry]\ncache_size = \"1KiB\"\n");
    fs::permissions(f.home / "config.toml", fs::perms::owner_read | fs::perms::owner_write);
    f.server.add("/tsuku/recipes/g/gamma.toml", simple_recipe("gamma", std::string(300, 'g')), "text/plain");
    REQUIRE(f.tailor({"info", "alpha"}).exit_code == 0);  // alpha used after beta
    auto r = f.tailor({"info", "gamma"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fs::exists(f.home / "registry/g/gamma.toml"));
    CHECK_FALSE(fs::exists(f.home / "registry/b/beta.toml"));
  }
}
