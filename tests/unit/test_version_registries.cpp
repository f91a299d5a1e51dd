// npm, PyPI, crates.io, RubyGems, Go proxy, Go toolchain, nodejs dist and http_json providers,
// and the provider choice of docs/versions.md, "Choosing the provider".
#include <doctest/doctest.h>

#include "recipe/recipe.hpp"
#include "support/https_server.hpp"
#include "support/scratch.hpp"
#include "version/resolver.hpp"

using namespace tailor;
using tailor::test::HttpsServer;
using tailor::test::Reply;

namespace {

std::string doc(const std::string& name) { return test::read_text(test::testdata("api/registries/" + name)); }

version::ResolverOptions options_for(const HttpsServer& server) {
  version::ResolverOptions options;
  auto& e = options.endpoints;
  e.github_api = e.homebrew_api = e.ghcr = e.npm = e.pypi = e.crates_io = e.rubygems = e.goproxy = e.go_dl =
      e.nodejs_dist = server.base_url();
  options.client.ca_bundle = server.ca_file().string();
  options.client.cache_dir = test::fresh_dir("api-cache");
  return options;
}

recipe::Recipe with_step(const std::string& source, const std::string& action, const std::string& key,
                         const std::string& value) {
  recipe::Recipe r;
  r.metadata.name = "tool";
  r.version.source = source;
  recipe::Step step;
  step.action = action;
  step.params[key] = value;
  r.steps.push_back(step);
  return r;
}

std::string resolved(version::Resolver& resolver, const recipe::Recipe& r, const std::string& requested) {
  auto got = resolver.resolve(r, requested);
  if (!got) return "error: " + got.error().message;
  return got->version + " " + got->version_tag;
}

}  // namespace

TEST_CASE("Resolver::resolve with package registries") {
  HttpsServer server;
  auto resolver = version::make_resolver(options_for(server));
  SUBCASE("npm: the latest dist-tag; pins skip pre-releases; scoped names encoded") {
    server.add_json("/prettier/latest", doc("npm_latest.json"));
    server.add_json("/prettier", doc("npm_packument.json"));
    auto r = with_step("", "npm_install", "package", "prettier");
    CHECK(resolved(*resolver, r, "") == "3.3.2 3.3.2");
    CHECK(resolved(*resolver, r, "3") == "3.10.0 3.10.0");
    CHECK(resolved(*resolver, r, "3.4.0-beta") == "3.4.0-beta.1 3.4.0-beta.1");
    server.add_json("/@scope/pkg/latest", doc("npm_latest.json"));  // the server decodes %2F
    CHECK(resolved(*resolver, with_step("npm", "npm_install", "package", "@scope/pkg"), "") == "3.3.2 3.3.2");
  }
  SUBCASE("PyPI: yanked, pre-release and requires_python rules") {
    server.add_json("/pypi/black/json", doc("pypi_black.json"));
    auto r = with_step("pypi", "pipx_install", "package", "black");
    // 25.1.0b1 is a pre-release, 25.0.0 has no files (not yanked) and no requirement.
    CHECK(resolved(*resolver, r, "") == "25.0.0 25.0.0");
    CHECK(resolved(*resolver, r, "24") == "24.8.0 24.8.0");
    CHECK(resolved(*resolver, r, "24.4").find("not found") != std::string::npos);
  }
  SUBCASE("PyPI: no compatible release") {
    server.add_json("/pypi/new/json", R"({"releases": {"1.0": [{"yanked": false, "requires_python": ">=3.99"}]}})");
    CHECK(resolved(*resolver, with_step("pypi", "pipx_install", "package", "new"), "") ==
          "error: no release of new is compatible with bundled Python 3.12");
  }
  SUBCASE("crates.io: newest non-yanked stable; JSON content type required") {
    server.add_json("/api/v1/crates/ripgrep/versions", doc("crates_ripgrep.json"));
    CHECK(resolved(*resolver, with_step("", "cargo_install", "crate", "ripgrep"), "") == "14.1.0 14.1.0");
    server.add("/api/v1/crates/bad/versions", doc("crates_ripgrep.json"), "text/html");
    CHECK(resolved(*resolver, with_step("", "cargo_install", "crate", "bad"), "").find("Content-Type") !=
          std::string::npos);
  }
  SUBCASE("RubyGems: ruby platform, no pre-releases") {
    server.add_json("/api/v1/versions/rails.json", doc("rubygems_rails.json"));
    CHECK(resolved(*resolver, with_step("", "gem_install", "gem", "rails"), "") == "7.1.4 7.1.4");
  }
  SUBCASE("Go proxy: escaped module, tag keeps its v") {
    server.add_json("/github.com/!burnt!sushi/toml/@latest", doc("goproxy_latest.json"));
    server.add("/github.com/!burnt!sushi/toml/@v/list", "v1.64.7\nv1.64.8\nv1.65.0-rc.1\nv1.6.0\n", "text/plain");
    auto r = with_step("", "go_install", "module", "github.com/BurntSushi/toml/cmd/tomlv");
    CHECK(resolved(*resolver, r, "") == "1.64.8 v1.64.8");
    CHECK(resolved(*resolver, r, "1.6") == "1.6.0 v1.6.0");
  }
  SUBCASE("Go toolchain: first stable entry") {
    server.add_json("/", doc("go_dl.json"));
    recipe::Recipe r;
    r.version.source = "go_toolchain";
    CHECK(resolved(*resolver, r, "") == "1.23.4 1.23.4");
    CHECK(resolved(*resolver, r, "1.22") == "1.22.10 1.22.10");
  }
  SUBCASE("nodejs dist: LTS by default, channels") {
    server.add_json("/index.json", doc("nodejs_index.json"));
    recipe::Recipe r;
    r.version.source = "nodejs_dist";
    CHECK(resolved(*resolver, r, "") == "22.12.0 v22.12.0");
    CHECK(resolved(*resolver, r, "@current") == "23.3.0 v23.3.0");
    CHECK(resolved(*resolver, r, "@iron") == "20.18.1 v20.18.1");
    CHECK(resolved(*resolver, r, "21") == "21.7.3 v21.7.3");
    CHECK(resolved(*resolver, r, "@argon").find("no nodejs release in channel") != std::string::npos);
  }
  SUBCASE("http_json: the version_path leaf; any requested version passes") {
    server.add_json("/v1/check/terraform", doc("http_json_checkpoint.json"));
    recipe::Recipe r;
    r.version.source = "http_json";
    r.version.url = server.url("/v1/check/terraform");
    r.version.version_path = "current_version";
    CHECK(resolved(*resolver, r, "") == "1.9.8 1.9.8");
    CHECK(resolved(*resolver, r, "1.5.0") == "1.5.0 1.5.0");
    r.version.version_path = "releases[2].version";
    CHECK(resolved(*resolver, r, "").find("boolean") != std::string::npos);
  }
  SUBCASE("http_json: a version_path of * takes the object's keys as versions (ziglang.org's index)") {
    server.add_json("/download/index.json",
                    R"({"master": {"version": "0.16.0-dev.1+abc"}, "0.14.1": {}, "0.15.2": {}, "0.15.1": {},
                        "0.9.0": {}, "0.16.0-rc1": {}})");
    recipe::Recipe r;
    r.metadata.name = "zig";
    r.version.source = "http_json";
    r.version.url = server.url("/download/index.json");
    r.version.version_path = "*";
    CHECK(resolved(*resolver, r, "") == "0.15.2 0.15.2");  // master is no version, rc1 not stable
    auto listing = version::list_versions(options_for(server), r, false);
    REQUIRE_MESSAGE(listing.has_value(), listing.error().message);
    std::vector<std::string> versions;
    for (const auto& v : listing->versions) versions.push_back(v.version);
    CHECK(versions == std::vector<std::string>{"0.15.2", "0.15.1", "0.14.1", "0.9.0"});
  }
  SUBCASE("http_json: a keyed path that leads nowhere names the path") {
    server.add_json("/download/index.json", R"({"releases": [1, 2]})");
    recipe::Recipe r;
    r.version.source = "http_json";
    r.version.url = server.url("/download/index.json");
    r.version.version_path = "releases.*";
    CHECK(resolved(*resolver, r, "").find("releases.* is not an object") != std::string::npos);
  }
}

TEST_CASE("Resolver::resolve provider choice") {
  HttpsServer server;
  auto resolver = version::make_resolver(options_for(server));
  SUBCASE("manual has no resolver") {
    recipe::Recipe r;
    r.version.source = "manual";
    CHECK(resolved(*resolver, r, "") == "error: no resolver registered for source 'manual'");
  }
  SUBCASE("an explicit source without its step falls to github_repo (priority 90)") {
    server.add_json("/repos/o/r/releases/latest", R"({"tag_name": "v2.0.0"})");
    auto r = with_step("pypi", "npm_install", "package", "x");
    r.version.github_repo = "o/r";
    CHECK(resolved(*resolver, r, "") == "2.0.0 v2.0.0");
  }
  SUBCASE("http_json without version_path fails") {
    recipe::Recipe r;
    r.version.source = "http_json";
    r.version.url = "https://example.invalid/v";
    CHECK(resolved(*resolver, r, "").find("version_path") != std::string::npos);
    CHECK(server.request_lines().empty());
  }
  SUBCASE("a homebrew step infers the formula, defaulting to the recipe name") {
    server.add_json("/formula/tool.json", R"({"versions": {"stable": "4.5"}, "revision": 0})");
    auto r = with_step("", "homebrew", "other", "x");
    CHECK(resolved(*resolver, r, "") == "4.5 4.5");
  }
  SUBCASE("github_archive repo is inferred") {
    server.add_json("/repos/a/b/releases/latest", R"({"tag_name": "v0.3.1"})");
    CHECK(resolved(*resolver, with_step("", "github_archive", "repo", "a/b"), "") == "0.3.1 v0.3.1");
  }
  SUBCASE("invalid requests are refused before any request") {
    CHECK(resolved(*resolver, with_step("", "github_archive", "repo", "a/b"), "../x").find("invalid version") !=
          std::string::npos);
    CHECK(server.request_lines().empty());
  }
}
