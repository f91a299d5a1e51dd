// Ecosystem composites whose lock the toolchain captures when the tool is planned (docs/install.md, "Lock data
// captured at plan time"): npm_install, pipx_install, go_install, cargo_install and gem_install become their
// primitive with the lock the distribution's toolchain resolved against loopback registries; the plan installs,
// again without the toolchain resolving anything, and a plan whose lock does not match the bytes is refused.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "ecosystem_env.hpp"
#include "support/archive_builder.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

TEST_CASE("npm_install: npm resolves the package-lock when the tool is planned, then npm_exec installs it" *
          doctest::skip(k_no_npm)) {
  Env env("tiny-hello");
  const std::string tarball = tiny_hello_tarball();
  serve_npm_registry(env.server, tarball);
  env.options.env["TAILOR_NPM_REGISTRY"] = env.server.url("/");
  const std::string recipe_step =
      "action = \"npm_install\"\npackage = \"tiny-hello\"\nexecutables = [\"tiny-hello\"]\n";
  write_text(env.registry / "tiny-hello.toml",
             system_toolchain_recipe("tiny-hello", recipe_step, "tiny-hello {version} from npm"));

  auto eval = env.tailor({"eval", "tiny-hello"});
  const ordered_json step = only_step(eval);
  CHECK(step["action"] == "npm_exec");
  CHECK(step["params"]["version"] == "1.0.0");
  // The lock npm wrote: the package from the configured registry, with its integrity hash.
  const std::string lock = step["params"]["package_lock"].get<std::string>();
  CHECK(lock.find(npm_integrity(tarball)) != std::string::npos);
  CHECK(lock.find(env.server.url("/tiny-hello/-/tiny-hello-1.0.0.tgz")) != std::string::npos);
  CHECK(fs::is_empty(env.user_home));

  auto install = env.tailor({"install", "tiny-hello"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(env.run_installed("tiny-hello").out == "tiny-hello 1.0.0 from npm, node /usr/bin/node\n");
  CHECK(fs::is_empty(env.user_home));

  env.reinstall_from_plan(eval.out, "tiny-hello", "resolving the package-lock");
}

TEST_CASE("npm_install without a toolchain to resolve its lock says what to do" * doctest::skip(k_no_npm)) {
  Env env("tiny-hello");
  serve_npm_registry(env.server, tiny_hello_tarball());
  env.options.env["TAILOR_NPM_REGISTRY"] = env.server.url("/");
  // No toolchain = "system", and no nodejs installed: npm is not taken from PATH by accident.
  write_text(env.registry / "tiny-hello.toml",
             "[metadata]\nname = \"tiny-hello\"\ndescription = \"d\"\n\n[version]\ngithub_repo = "
             "\"test/tiny-hello\"\n\n[[steps]]\naction = \"npm_install\"\npackage = \"tiny-hello\"\n"
             "executables = [\"tiny-hello\"]\ndependencies = []\n\n[verify]\ncommand = \"tiny-hello\"\n");
  auto plan = env.tailor({"plan", "tiny-hello"});
  CHECK(plan.exit_code != 0);
  CHECK(plan.err.find("run `tailor install nodejs` first") != std::string::npos);
  CHECK_FALSE(fetched(env.server, "/tiny-hello"));  // npm never asked the registry
}

TEST_CASE("pipx_install: pip resolves the hash-pinned requirements when the tool is planned" *
          doctest::skip(k_no_python)) {
  Env env("tiny-snake");
  Wheel wheel = tiny_snake_wheel();
  serve_pypi_index(env.server, wheel);
  env.options.env["TAILOR_PYPI_INDEX"] = env.server.url("/simple/");
  const std::string recipe_step =
      "action = \"pipx_install\"\npackage = \"tiny-snake\"\nexecutables = [\"tiny-snake\"]\n";
  write_text(env.registry / "tiny-snake.toml",
             system_toolchain_recipe("tiny-snake", recipe_step, "tiny-snake {version} from pypi"));

  auto eval = env.tailor({"eval", "tiny-snake"});
  const ordered_json step = only_step(eval);
  CHECK(step["action"] == "pip_exec");
  CHECK(step["params"]["locked_requirements"] == "tiny-snake==1.0.0 \\\n    --hash=sha256:" + wheel.sha256 + "\n");
  CHECK(fs::is_empty(env.user_home));

  auto install = env.tailor({"install", "tiny-snake"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  auto ran = run({(env.home / "bin" / "tiny-snake").string()}, plain);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out.starts_with("tiny-snake 1.0.0 from pypi"));
  CHECK(fs::is_empty(env.user_home));
}

TEST_CASE("go_install: go resolves the go.sum when the tool is planned" * doctest::skip(k_no_go)) {
  Env env("tiny-go");
  GoModule module = tiny_go_module();
  serve_goproxy(env.server, module);
  env.options.env["TAILOR_GOPROXY"] = env.server.base_url();
  const std::string recipe_step =
      "action = \"go_install\"\nmodule = \"example.com/tiny-go\"\nexecutables = [\"tiny-go\"]\n";
  write_text(env.registry / "tiny-go.toml",
             system_toolchain_recipe("tiny-go", recipe_step, "tiny-go {version} from goproxy"));

  auto eval = env.tailor({"eval", "tiny-go"});
  const ordered_json step = only_step(eval);
  CHECK(step["action"] == "go_build");
  CHECK(step["params"]["version"] == "v1.0.0");
  // The go.sum go wrote: the same two h1: lines the module's own files hash to.
  CHECK(step["params"]["go_sum"] == module.go_sum);
  CHECK(fs::is_empty(env.user_home));

  auto install = env.tailor({"install", "tiny-go"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  CHECK(run({(env.home / "bin" / "tiny-go").string()}, plain).out == "tiny-go 1.0.0 from goproxy\n");
  CHECK(fs::is_empty(env.user_home));
}

// ---- cargo ----

namespace {

// A recipe of system_toolchain_recipe without its toolchain = "system": the step runs the
// toolchain of its implicit dependency, which is not installed (dependencies = []).
std::string without_system_toolchain(std::string recipe) {
  const std::string line = "toolchain = \"system\"\n";
  recipe.erase(recipe.find(line), line.size());
  return recipe;
}

// A home planning `tool` from a cargo_install step, its crates served with the crates index
// (a git repository) that cargo resolves against.
struct CargoEnv : Env {
  CargoEnv(const std::string& tool, const std::vector<IndexedCrate>& crates, bool system_toolchain = true) : Env(tool) {
    options.env["TAILOR_CRATES_REGISTRY"] = server.base_url();
    options.env["TAILOR_CRATES_INDEX"] = serve_crates_index(server, crates);
    const std::string step = "action = \"cargo_install\"\ncrate = \"" + tool + "\"\nexecutables = [\"" + tool + "\"]\n";
    std::string recipe = system_toolchain_recipe(tool, step, tool + " {version} from crates");
    write_text(registry / (tool + ".toml"), system_toolchain ? recipe : without_system_toolchain(recipe));
  }
};

IndexedCrate tiny_rs() { return {"tiny-rs", tiny_rs_crate(), {}}; }

}  // namespace

TEST_CASE("cargo_install: cargo checks the crate's own Cargo.lock against the crates index when the tool is planned" *
          doctest::skip(k_no_cargo || k_no_git)) {
  const IndexedCrate crate = tiny_rs();
  CargoEnv env("tiny-rs", {crate});

  auto eval = env.tailor({"eval", "tiny-rs"});
  const ordered_json step = only_step(eval);
  CHECK(step["action"] == "cargo_build");
  CHECK(step["params"]["crate"] == "tiny-rs");
  CHECK(step["params"]["version"] == "1.0.0");
  // The crate's checksum as the index publishes it, and the Cargo.lock it packs, as cargo checked it.
  CHECK(step["params"]["crate_checksum"] == sha256_hex(crate.bytes));
  CHECK(step["params"]["cargo_lock"] == tiny_rs_lock());
  CHECK(fetched(env.server, "/index/info/refs"));
  CHECK(fetched(env.server, "/api/v1/crates/tiny-rs/1.0.0/download"));
  CHECK(eval.err.find("resolving the Cargo.lock of crate tiny-rs 1.0.0 with system (/usr/bin)") != std::string::npos);
  CHECK(fs::is_empty(env.user_home));

  auto install = env.tailor({"install", "tiny-rs"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  auto ran = env.run_installed("tiny-rs");
  CHECK(ran.exit_code == 0);
  CHECK(ran.out == "tiny-rs 1.0.0 from crates\n");
  CHECK(fs::is_empty(env.user_home));

  env.reinstall_from_plan(eval.out, "tiny-rs", "resolving the Cargo.lock");
  CHECK_FALSE(fetched(env.server, "/index/info/refs"));
}

TEST_CASE("cargo_install: cargo resolves a Cargo.lock for a crate that packs none, its dependency pinned too" *
          doctest::skip(k_no_cargo || k_no_git)) {
  const IndexedCrate greeting = tiny_rs_greeting_crate();
  const IndexedCrate hello = tiny_rs_hello_crate();
  CargoEnv env("tiny-rs-hello", {greeting, hello});

  auto eval = env.tailor({"eval", "tiny-rs-hello"});
  const ordered_json step = only_step(eval);
  CHECK(step["params"]["crate_checksum"] == sha256_hex(hello.bytes));
  const std::string lock = step["params"]["cargo_lock"];
  CHECK(lock.find("[[package]]\nname = \"tiny-rs-greeting\"\nversion = \"1.0.0\"\nsource = "
                  "\"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"" +
                  sha256_hex(greeting.bytes) + "\"\n") != std::string::npos);
  CHECK(lock.find("[[package]]\nname = \"tiny-rs-hello\"\nversion = \"1.0.0\"\ndependencies = [\n "
                  "\"tiny-rs-greeting\",\n]\n") != std::string::npos);
  // cargo read the dependency's index entry; tailor downloads the .crate files only when installing.
  CHECK_FALSE(fetched(env.server, "/api/v1/crates/tiny-rs-greeting/1.0.0/download"));

  auto install = env.tailor({"install", "tiny-rs-hello"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(fetched(env.server, "/api/v1/crates/tiny-rs-greeting/1.0.0/download"));
  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  auto ran = run({(env.home / "bin" / "tiny-rs-hello").string()}, plain);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out == "tiny-rs-hello 1.0.0 from crates, greeting 1.0.0\n");
  CHECK(fs::is_empty(env.user_home));
}

TEST_CASE("cargo_install without a toolchain to resolve its lock says what to do" *
          doctest::skip(k_no_cargo || k_no_git)) {
  CargoEnv env("tiny-rs", {tiny_rs()}, false);  // no rust installed, and cargo is not taken from PATH by accident
  auto plan = env.tailor({"plan", "tiny-rs"});
  CHECK(plan.exit_code != 0);
  CHECK(plan.err.find("run `tailor install rust` first, or plan with --pin-from a plan that has the cargo_build "
                      "step") != std::string::npos);
  CHECK_FALSE(fetched(env.server, "/index/info/refs"));  // cargo never asked the index
  CHECK_FALSE(fetched(env.server, "/api/v1/crates/tiny-rs/1.0.0/download"));
}

TEST_CASE("cargo_install: a plan whose crate checksum is not the crate's is refused" *
          doctest::skip(k_no_cargo || k_no_git)) {
  CargoEnv env("tiny-rs", {tiny_rs()});
  auto eval = env.tailor({"eval", "tiny-rs"});
  ordered_json plan = ordered_json::parse(eval.out);
  plan["steps"][0]["params"]["crate_checksum"] = sha256_hex("other bytes");
  const fs::path plan_file = fresh_dir("eco-plan") / "plan.json";
  write_text(plan_file, plan.dump(2));
  auto install = env.tailor({"install", "--plan", plan_file.string()});
  INFO(install.err);
  CHECK(install.exit_code == 9);
  CHECK(install.err.find("checksum mismatch") != std::string::npos);
  env.check_nothing_left("tiny-rs");
}

// ---- gem ----

namespace {

// A home planning tiny-rb-hello from a gem_install step: it and tiny-rb, which it depends on,
// served with the compact index RubyGems resolves against.
struct GemEnv : Env {
  std::string hello = tiny_rb_hello_gem();
  std::string tiny = tiny_rb_gem();
  explicit GemEnv(bool system_toolchain = true) : Env("tiny-rb-hello") {
    serve_gem_index(server, {{"tiny-rb", tiny, ""}, {"tiny-rb-hello", hello, "tiny-rb:~> 1.0"}});
    options.env["TAILOR_RUBYGEMS"] = server.base_url();
    const std::string step = "action = \"gem_install\"\ngem = \"tiny-rb-hello\"\nexecutables = [\"tiny-rb-hello\"]\n";
    std::string recipe = system_toolchain_recipe("tiny-rb-hello", step, "tiny-rb-hello {version} from rubygems");
    write_text(registry / "tiny-rb-hello.toml", system_toolchain ? recipe : without_system_toolchain(recipe));
  }
};

}  // namespace

TEST_CASE(
    "gem_install: RubyGems resolves the gem and its dependency when the tool is planned, each pinned by its "
    "SHA-256" *
    doctest::skip(k_no_ruby)) {
  GemEnv env;

  auto eval = env.tailor({"eval", "tiny-rb-hello"});
  const ordered_json step = only_step(eval);
  CHECK(step["action"] == "gem_exec");
  CHECK(step["params"]["gem"] == "tiny-rb-hello");
  CHECK(step["params"]["version"] == "1.0.0");
  // The lock names the configured registry and pins what RubyGems resolved by the SHA-256 of the files.
  CHECK(step["params"]["gemfile_lock"] ==
        "GEM\n  remote: " + env.server.base_url() +
            "/\n  specs:\n    tiny-rb (1.0.0)\n    tiny-rb-hello (1.0.0)\n      tiny-rb (~> 1.0)\n\n"
            "PLATFORMS\n  ruby\n\nDEPENDENCIES\n  tiny-rb-hello (= 1.0.0)\n\nCHECKSUMS\n  tiny-rb (1.0.0) sha256=" +
            sha256_hex(env.tiny) + "\n  tiny-rb-hello (1.0.0) sha256=" + sha256_hex(env.hello) + "\n");
  CHECK(fetched(env.server, "/info/tiny-rb-hello"));
  CHECK(fetched(env.server, "/info/tiny-rb"));
  CHECK(eval.err.find("resolving the gem versions of tiny-rb-hello 1.0.0 with system (/usr/bin)") != std::string::npos);
  CHECK(fs::is_empty(env.user_home));

  auto install = env.tailor({"install", "tiny-rb-hello"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  auto ran = env.run_installed("tiny-rb-hello", {"GEM_HOME", "GEM_PATH"});
  INFO(ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out == "tiny-rb-hello 1.0.0 from rubygems, with tiny-rb 1.0.0\n");
  CHECK(fs::is_empty(env.user_home));

  env.reinstall_from_plan(eval.out, "tiny-rb-hello", "resolving the gem versions");
  CHECK_FALSE(fetched(env.server, "/info/tiny-rb-hello"));
}

TEST_CASE("gem_install without a toolchain to resolve its lock says what to do" * doctest::skip(k_no_ruby)) {
  GemEnv env(false);  // no ruby installed, and gem is not taken from PATH by accident
  auto plan = env.tailor({"plan", "tiny-rb-hello"});
  CHECK(plan.exit_code != 0);
  CHECK(plan.err.find("run `tailor install ruby` first, or plan with --pin-from a plan that has the gem_exec step") !=
        std::string::npos);
  CHECK_FALSE(fetched(env.server, "/info/tiny-rb-hello"));  // RubyGems never asked the index
  CHECK_FALSE(fetched(env.server, "/gems/tiny-rb-hello-1.0.0.gem"));
}

TEST_CASE("gem_install: a plan whose SHA-256 of a dependency is not the gem's is refused" * doctest::skip(k_no_ruby)) {
  GemEnv env;
  auto eval = env.tailor({"eval", "tiny-rb-hello"});
  ordered_json plan = ordered_json::parse(eval.out);
  std::string lock = plan["steps"][0]["params"]["gemfile_lock"];
  const std::string pinned = sha256_hex(env.tiny);
  REQUIRE(lock.find(pinned) != std::string::npos);
  lock.replace(lock.find(pinned), pinned.size(), sha256_hex("other bytes"));
  plan["steps"][0]["params"]["gemfile_lock"] = lock;
  const fs::path plan_file = fresh_dir("eco-plan") / "plan.json";
  write_text(plan_file, plan.dump(2));
  auto install = env.tailor({"install", "--plan", plan_file.string()});
  INFO(install.err);
  CHECK(install.exit_code == 9);
  CHECK(install.err.find("checksum mismatch for " + env.server.url("/gems/tiny-rb-1.0.0.gem")) != std::string::npos);
  env.check_nothing_left("tiny-rb");
}
