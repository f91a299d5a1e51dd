// Rows of the config key table (test_config_keys.cpp) for the ecosystem.* keys (docs/install.md,
// "Ecosystem installs"): the registry an ecosystem step installs from, and the crates index a
// cargo_install is resolved against when it is planned.
#include <doctest/doctest.h>

#include "config_keys_fixture.hpp"
#include "support/archive_builder.hpp"
#include "support/ecosystem_packages.hpp"

namespace tailor::test::keys {
namespace {

RunResult install(Fixture& f, const std::string& tool) {
  return f.tailor({"install", tool, "--registry", (f.dir / "registry").string()});
}

void prepare(Fixture& f, const std::string& tool, const std::string& recipe) {
  write_text(f.dir / "registry" / (tool + ".toml"), recipe);
  serve_tool_tags(f.server, tool);
  f.options.env["TAILOR_GITHUB_API"] = f.server.base_url();
  f.options.unset_env.insert(f.options.unset_env.end(),
                             {"GITHUB_TOKEN", "GH_TOKEN", "TAILOR_OFFLINE", "TAILOR_NPM_REGISTRY", "TAILOR_PYPI_INDEX",
                              "TAILOR_GOPROXY", "TAILOR_CRATES_REGISTRY", "TAILOR_CRATES_INDEX", "TAILOR_RUBYGEMS"});
  f.options.timeout_seconds = 240;
}

// The package came from the configured registry, and runs; without the toolchain the install
// fails naming it (the ecosystem tests themselves are skipped then).
void expect_installed_from(Fixture& f, const RunResult& r, const std::string& path, bool toolchain) {
  if (!toolchain) {
    MESSAGE("the system toolchain is missing: the key's effect is not checked");
    CHECK_MESSAGE(r.err.find("is not in /usr/bin") != std::string::npos, text(r));
    return;
  }
  REQUIRE_MESSAGE(r.exit_code == 0, text(r));
  bool asked = false;
  for (const auto& line : f.server.request_lines()) asked = asked || line == "GET " + path;
  CHECK_MESSAGE(asked, text(r));
}

}  // namespace

void add_ecosystem_rows(std::map<std::string, Row>& table) {
  table["ecosystem.npm"] = {
      "\"{server}/\"",
      "{server}/",
      "\"http://registry.example.org/\"",
      "ftp://registry.example.org/",
      [](Fixture& f) {
        std::string tarball = tiny_hello_tarball();
        serve_npm_registry(f.server, tarball);
        prepare(f, "tiny-hello", tiny_hello_recipe(npm_integrity(tarball)));
      },
      [](Fixture& f) { return install(f, "tiny-hello"); },
      [](Fixture& f, const RunResult& r, const std::string&) {
        expect_installed_from(f, r, "/tiny-hello/-/tiny-hello-1.0.0.tgz", system_toolchain_has({"node", "npm"}));
      }};
  table["ecosystem.pypi"] = {"\"{server}/simple/\"",
                             "{server}/simple/",
                             "\"http://pypi.example.org/simple/\"",
                             "pypi.example.org",
                             [](Fixture& f) {
                               Wheel wheel = tiny_snake_wheel();
                               serve_pypi_index(f.server, wheel);
                               prepare(f, "tiny-snake", tiny_snake_recipe(wheel.sha256));
                             },
                             [](Fixture& f) { return install(f, "tiny-snake"); },
                             [](Fixture& f, const RunResult& r, const std::string&) {
                               expect_installed_from(f, r, "/files/tiny_snake-1.0.0-py3-none-any.whl",
                                                     system_toolchain_has({"python3"}));
                             }};
  table["ecosystem.goproxy"] = {"\"{server}\"",
                                "{server}",
                                "\"http://proxy.example.org\"",
                                "file:///srv/goproxy",
                                [](Fixture& f) {
                                  GoModule module = tiny_go_module();
                                  serve_goproxy(f.server, module);
                                  prepare(f, "tiny-go", tiny_go_recipe(module.go_sum));
                                },
                                [](Fixture& f) { return install(f, "tiny-go"); },
                                [](Fixture& f, const RunResult& r, const std::string&) {
                                  expect_installed_from(f, r, "/example.com/tiny-go/@v/v1.0.0.zip",
                                                        system_toolchain_has({"go"}));
                                }};
  table["ecosystem.crates"] = {
      "\"{server}\"",
      "{server}",
      "\"http://crates.example.org\"",
      "crates.example.org",
      [](Fixture& f) {
        std::string crate = tiny_rs_crate();
        serve_crates(f.server, crate);
        prepare(f, "tiny-rs", tiny_rs_recipe(sha256_hex(crate)));
      },
      [](Fixture& f) { return install(f, "tiny-rs"); },
      [](Fixture& f, const RunResult& r, const std::string&) {
        expect_installed_from(f, r, "/api/v1/crates/tiny-rs/1.0.0/download", system_toolchain_has({"cargo", "rustc"}));
      }};
  // Planning a cargo_install: cargo resolves its Cargo.lock against the configured git index.
  table["ecosystem.crates_index"] = {
      "\"{server}/index\"",
      "{server}/index",
      "\"http://index.example.org\"",
      "git://index.example.org",
      [](Fixture& f) {
        std::string crate = tiny_rs_crate();
        serve_crates(f.server, crate);
        if (system_toolchain_has({"git"})) serve_crates_index(f.server, {{"tiny-rs", crate, {}}});
        prepare(f, "tiny-rs",
                system_toolchain_recipe(
                    "tiny-rs", "action = \"cargo_install\"\ncrate = \"tiny-rs\"\nexecutables = [\"tiny-rs\"]\n",
                    "tiny-rs {version} from crates"));
        f.base_toml = "ecosystem.crates = \"" + f.server.base_url() + "\"\n";
      },
      [](Fixture& f) {
        return f.tailor({"eval", "tiny-rs", "--registry", (f.dir / "registry").string()});
      },
      [](Fixture& f, const RunResult& r, const std::string&) {
        expect_installed_from(f, r, "/index/info/refs", system_toolchain_has({"cargo", "rustc", "git"}));
      }};
  table["ecosystem.rubygems"] = {
      "\"{server}\"",
      "{server}",
      "\"http://gems.example.org\"",
      "gems.example.org",
      [](Fixture& f) {
        std::string gem = system_toolchain_has({"ruby", "gem"}) ? tiny_rb_gem() : "";
        serve_rubygems(f.server, gem);
        prepare(f, "tiny-rb", tiny_rb_recipe(sha256_hex(gem)));
      },
      [](Fixture& f) { return install(f, "tiny-rb"); },
      [](Fixture& f, const RunResult& r, const std::string&) {
        expect_installed_from(f, r, "/gems/tiny-rb-1.0.0.gem", system_toolchain_has({"ruby", "gem"}));
      }};
}

}  // namespace tailor::test::keys
