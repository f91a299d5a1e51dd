// Rows of the config key table (test_config_keys.cpp) for the registry.* keys
// (docs/registries.md): each takes effect from config.toml and from its variable.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "config_keys_fixture.hpp"

namespace tailor::test::keys {
namespace {

using nlohmann::ordered_json;

// A registry tree in tsuku's layout on the server (docs/registries.md); `registry.url` comes
// from the environment unless the row is about that key.
void prepare_registry(Fixture& f, bool url_from_row = false) {
  auto recipe = [](const std::string& name, size_t pad) {
    return "[metadata]\nname = \"" + name + "\"\ndescription = \"" + std::string(pad, 'd') +
           "\"\n\n[version]\ngithub_repo = \"t/" + name +
           "\"\n\n[[steps]]\naction = \"download\"\nurl = " + "\"https://example.org/" + name +
           "-{version}\"\n\n[verify]\ncommand = \"" + name + " --version\"\n";
  };
  for (auto [name, pad] : {std::pair{"regtool", 10}, std::pair{"alpha", 10}, std::pair{"gamma", 250}})
    f.server.add(std::string("/tsuku/recipes/") + name[0] + "/" + name + ".toml", recipe(name, pad), "text/plain");
  f.server.add_json("/recipes.json", R"({"schema_version": 1, "recipes": [{"name": "kubectx", "description": "k"}]})");
  f.options.unset_env.insert(f.options.unset_env.end(),
                             {"TAILOR_REGISTRY_URL", "TAILOR_MANIFEST_URL", "TAILOR_OFFLINE"});
  if (!url_from_row) f.options.env["TAILOR_REGISTRY_URL"] = f.server.base_url() + "/tsuku";
}
size_t registry_requests(Fixture& f) {
  size_t n = 0;
  for (const auto& line : f.server.request_lines()) n += line.starts_with("GET /tsuku/") ? 1 : 0;
  return n;
}
void age_cached(Fixture& f, const std::string& name, int64_t seconds) {
  fs::path meta = f.home / "registry" / name.substr(0, 1) / (name + ".meta.json");
  auto doc = ordered_json::parse(read_text(meta));
  doc["fetched_at"] = doc["fetched_at"].get<int64_t>() - seconds;
  write_text(meta, doc.dump());
}

}  // namespace

void add_registry_rows(std::map<std::string, Row>& table) {
  table["registry.url"] = {"\"{server}/tsuku\"",
                           "{server}/tsuku",
                           "5",
                           "",
                           [](Fixture& f) { prepare_registry(f, true); },
                           [](Fixture& f) {
                             return f.tailor({"info", "regtool", "--json"});
                           },
                           [](Fixture&, const RunResult& r, const std::string& value) {
                             REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                             CHECK(ordered_json::parse(r.out)["source"] == "central " + value);
                           }};
  table["registry.manifest_url"] = {"\"{server}/recipes.json\"",
                                    "{server}/recipes.json",
                                    "5",
                                    "",
                                    [](Fixture& f) { prepare_registry(f); },
                                    [](Fixture& f) {
                                      return f.tailor({"search", "kubectx", "--json"});
                                    },
                                    [](Fixture&, const RunResult& r, const std::string&) {
                                      REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                                      CHECK(ordered_json::parse(r.out)[0]["source"] == "central");
                                    }};
  table["registry.ttl"] = {"\"0s\"",
                           "0s",
                           "\"forever\"",
                           "forever",
                           [](Fixture& f) { prepare_registry(f); },
                           [](Fixture& f) {
                             f.tailor({"info", "regtool"});
                             return f.tailor({"info", "regtool"});
                           },
                           [](Fixture& f, const RunResult& r, const std::string&) {
                             REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                             CHECK(registry_requests(f) == 2);  // the default (24h) would ask once
                           }};
  table["registry.stale_limit"] = {"\"1h\"",
                                   "1h",
                                   "\"soon\"",
                                   "soon",
                                   [](Fixture& f) { prepare_registry(f); },
                                   [](Fixture& f) {
                                     f.tailor({"info", "regtool"});
                                     if (fs::exists(f.home / "registry/r/regtool.meta.json"))
                                       age_cached(f, "regtool", 2 * 86400);
                                     f.server.script("/tsuku/recipes/r/regtool.toml", {Reply::close()});
                                     return f.tailor({"info", "regtool"});
                                   },
                                   [](Fixture&, const RunResult& r, const std::string&) {
                                     CHECK_MESSAGE(r.exit_code == 5, text(r));  // 2 days: fine under the default 7
                                     CHECK(r.err.find("beyond registry.stale_limit") != std::string::npos);
                                   }};
  table["registry.cache_size"] = {"\"1KiB\"",
                                  "1KiB",
                                  "\"huge\"",
                                  "huge",
                                  [](Fixture& f) { prepare_registry(f); },
                                  [](Fixture& f) {
                                    f.tailor({"info", "alpha"});
                                    return f.tailor({"info", "gamma"});
                                  },
                                  [](Fixture& f, const RunResult& r, const std::string&) {
                                    REQUIRE_MESSAGE(r.exit_code == 0, text(r));
                                    CHECK(fs::exists(f.home / "registry/g/gamma.toml"));
                                    CHECK_FALSE(fs::exists(f.home / "registry/a/alpha.toml"));
                                  }};
  table["registry.offline"] = {"true",
                               "1",
                               "\"maybe\"",
                               "maybe",
                               [](Fixture& f) { prepare_registry(f); },
                               [](Fixture& f) {
                                 return f.tailor({"info", "regtool"});
                               },
                               [](Fixture& f, const RunResult& r, const std::string&) {
                                 CHECK_MESSAGE(r.exit_code == 3, text(r));
                                 CHECK(r.err.find("offline") != std::string::npos);
                                 CHECK(f.server.requests().empty());
                               }};
  table["registry.strict"] = {"true",
                              "1",
                              "\"maybe\"",
                              "maybe",
                              [](Fixture& f) { prepare_registry(f); },
                              [](Fixture& f) {
                                return f.tailor({"info", "acme/tools:regtool"});
                              },
                              [](Fixture& f, const RunResult& r, const std::string&) {
                                CHECK_MESSAGE(r.exit_code == 2, text(r));
                                CHECK(r.err.find("registry.strict") != std::string::npos);
                                CHECK(r.err.find("`tailor registry add acme/tools`") != std::string::npos);
                                CHECK(f.server.requests().empty());
                              }};
}

}  // namespace tailor::test::keys
