// Ecosystem installs (issue 18): npm_exec, pip_exec, go_build, cargo_build and gem_exec run the distribution's
// toolchain (toolchain = "system") against loopback registries serving tiny packages packed at test time from
// testdata/ecosystem: the tool installs isolated in its own directory, its wrapper runs, `remove` leaves nothing, the
// user's HOME and PATH are never used, and a package whose bytes do not match the lock data is refused with its log
// kept. Skipped (visibly) without the toolchain.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "ecosystem_env.hpp"
#include "support/archive_builder.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

TEST_CASE("npm_exec installs an npm package with the system Node.js, isolated, and remove leaves nothing" *
          doctest::skip(k_no_npm)) {
  Env env("tiny-hello");
  const std::string tarball = tiny_hello_tarball();
  serve_npm_registry(env.server, tarball);
  env.options.env["TAILOR_NPM_REGISTRY"] = env.server.url("/");
  write_text(env.registry / "tiny-hello.toml", tiny_hello_recipe(npm_integrity(tarball)));

  auto plan = env.tailor({"plan", "tiny-hello"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("npm_exec: npm package tiny-hello@1.0.0, toolchain system (/usr/bin)") != std::string::npos);

  auto install = env.tailor({"install", "tiny-hello"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(fetched(env.server, "/tiny-hello/-/tiny-hello-1.0.0.tgz"));
  fs::path dir = env.home / "tools" / "tiny-hello-1.0.0";
  CHECK(fs::exists(dir / "lib" / "node_modules" / "tiny-hello" / "cli.js"));
  CHECK(read_text(dir / "lib" / "package-lock.json").find(npm_integrity(tarball)) != std::string::npos);
  CHECK_FALSE(fs::exists(dir / ".ecosystem"));

  // The link in bin/ runs the wrapper, which runs the package with /usr/bin/node, not the decoy.
  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  auto ran = run({(env.home / "bin" / "tiny-hello").string()}, plain);
  INFO(ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out == "tiny-hello 1.0.0 from npm, node /usr/bin/node\n");
  CHECK(fs::is_empty(env.user_home));

  auto removed = run_tailor({"remove", "tiny-hello"}, env.options);
  INFO(removed.err);
  CHECK(removed.exit_code == 0);
  env.check_nothing_left("tiny-hello");
}

TEST_CASE("npm_exec runs the npm and node of its installed nodejs dependency" * doctest::skip(k_no_npm)) {
  Env env("tiny-hello");
  const std::string tarball = tiny_hello_tarball();
  serve_npm_registry(env.server, tarball);
  env.options.env["TAILOR_NPM_REGISTRY"] = env.server.url("/");
  // A stand-in nodejs recipe: its node and npm run the system ones, and its node says so.
  ToolRelease nodejs =
      make_tool_release("nodejs", "20.0.0", "tar.gz",
                        {file_entry("nodejs-20.0.0/bin/node",
                                    "#!/bin/sh\nTAILOR_TEST_NODE=nodejs-20.0.0 exec /usr/bin/node \"$@\"\n", 0755),
                         file_entry("nodejs-20.0.0/bin/npm", "#!/bin/sh\nexec /usr/bin/npm \"$@\"\n", 0755)});
  env.server.add("/dl/" + nodejs.file_name(), nodejs.bytes);
  env.server.add_json("/repos/test/nodejs/tags", R"([{"name": "v20.0.0"}])");
  write_text(
      env.registry / "nodejs.toml",
      "[metadata]\nname = \"nodejs\"\ndescription = \"Node.js stand-in\"\n\n[version]\n"
      "github_repo = \"test/nodejs\"\n\n[[steps]]\naction = \"download_archive\"\nurl = \"" +
          env.server.url("/dl/nodejs-{version}.tar.gz") +
          "\"\nstrip_dirs = 1\nbinaries = [\"bin/node\", \"bin/npm\"]\n\n[verify]\ncommand = \"node --version\"\n");
  std::string recipe = tiny_hello_recipe(npm_integrity(tarball));
  const std::string system_lines = "toolchain = \"system\"\ndependencies = []\n";
  recipe.erase(recipe.find(system_lines), system_lines.size());
  write_text(env.registry / "tiny-hello.toml", recipe);

  auto plan = env.tailor({"plan", "tiny-hello"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("npm_exec: npm package tiny-hello@1.0.0, toolchain nodejs (dependency)") != std::string::npos);
  auto install = env.tailor({"install", "tiny-hello"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(install.err.find("with nodejs-20.0.0 (dependency)") != std::string::npos);
  CHECK(read_text(env.home / "tools" / "tiny-hello-1.0.0" / "bin" / "tiny-hello")
            .find("\"$here/../../nodejs-20.0.0/bin/node\"") != std::string::npos);
  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  auto ran = run({(env.home / "bin" / "tiny-hello").string()}, plain);
  INFO(ran.err);
  CHECK(ran.out == "tiny-hello 1.0.0 from npm, node nodejs-20.0.0\n");
  CHECK(fs::is_empty(env.user_home));
}

TEST_CASE("npm_exec refuses a package whose tarball does not match the lock's integrity" * doctest::skip(k_no_npm)) {
  Env env("tiny-hello");
  serve_npm_registry(env.server, tiny_hello_tarball());
  env.options.env["TAILOR_NPM_REGISTRY"] = env.server.url("/");
  // The lock pins the hash of other bytes: what the registry serves is not what was locked.
  write_text(env.registry / "tiny-hello.toml", tiny_hello_recipe(npm_integrity("other bytes")));

  auto install = env.tailor({"install", "tiny-hello"});
  INFO(install.err);
  CHECK(install.exit_code == 9);
  CHECK(install.err.find("does not match the hash the lock data pins") != std::string::npos);
  std::string log = log_named_in(install.err);
  REQUIRE_FALSE(log.empty());
  CHECK(fs::path(log).parent_path() == env.home / "logs");
  CHECK(read_text(log).find("EINTEGRITY") != std::string::npos);
  env.check_nothing_left("tiny-hello");
}

TEST_CASE("npm_exec refuses a lock without an integrity hash before running npm" * doctest::skip(k_no_npm)) {
  Env env("tiny-hello");
  serve_npm_registry(env.server, tiny_hello_tarball());
  env.options.env["TAILOR_NPM_REGISTRY"] = env.server.url("/");
  write_text(env.registry / "tiny-hello.toml", tiny_hello_recipe(""));
  auto install = env.tailor({"install", "tiny-hello"});
  INFO(install.err);
  CHECK(install.exit_code == 9);
  CHECK(install.err.find("has no integrity hash for node_modules/tiny-hello") != std::string::npos);
  CHECK_FALSE(fetched(env.server, "/tiny-hello/-/tiny-hello-1.0.0.tgz"));
  env.check_nothing_left("tiny-hello");
}

// ---- pip ----

TEST_CASE("pip_exec installs a wheel into its own venv with the system Python, and remove leaves nothing" *
          doctest::skip(k_no_python)) {
  Env env("tiny-snake");
  Wheel wheel = tiny_snake_wheel();
  serve_pypi_index(env.server, wheel);
  env.options.env["TAILOR_PYPI_INDEX"] = env.server.url("/simple/");
  write_text(env.registry / "tiny-snake.toml", tiny_snake_recipe(wheel.sha256));

  auto plan = env.tailor({"plan", "tiny-snake"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("pip_exec: Python package tiny-snake@1.0.0, toolchain system (/usr/bin)") != std::string::npos);

  auto install = env.tailor({"install", "tiny-snake"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(fetched(env.server, "/files/" + wheel.name));
  fs::path venv = env.home / "tools" / "tiny-snake-1.0.0" / "venvs" / "tiny-snake";
  CHECK(fs::exists(venv / "pyvenv.cfg"));

  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  auto ran = run({(env.home / "bin" / "tiny-snake").string()}, plain);
  INFO(ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out == "tiny-snake 1.0.0 from pypi, python " + venv.string() + "\n");
  CHECK(fs::is_empty(env.user_home));

  auto removed = run_tailor({"remove", "tiny-snake"}, env.options);
  INFO(removed.err);
  CHECK(removed.exit_code == 0);
  env.check_nothing_left("tiny-snake");
}

TEST_CASE("pip_exec refuses a wheel whose hash is not the locked one" * doctest::skip(k_no_python)) {
  Env env("tiny-snake");
  serve_pypi_index(env.server, tiny_snake_wheel());
  env.options.env["TAILOR_PYPI_INDEX"] = env.server.url("/simple/");
  write_text(env.registry / "tiny-snake.toml", tiny_snake_recipe(sha256_hex("other bytes")));
  auto install = env.tailor({"install", "tiny-snake"});
  INFO(install.err);
  CHECK(install.exit_code == 9);
  CHECK(install.err.find("does not match the hash the lock data pins") != std::string::npos);
  std::string log = log_named_in(install.err);
  CHECK(fs::path(log).parent_path() == env.home / "logs");
  CHECK(read_text(log).find("DO NOT MATCH THE HASHES") != std::string::npos);
  env.check_nothing_left("tiny-snake");
}

TEST_CASE("pip_exec refuses requirements without a pinned hash" * doctest::skip(k_no_python)) {
  Env env("tiny-snake");
  serve_pypi_index(env.server, tiny_snake_wheel());
  env.options.env["TAILOR_PYPI_INDEX"] = env.server.url("/simple/");
  write_text(env.registry / "tiny-snake.toml",
             system_toolchain_recipe("tiny-snake",
                                     "action = \"pip_exec\"\npackage = \"tiny-snake\"\nversion = \"{version}\"\n"
                                     "executables = [\"tiny-snake\"]\nlocked_requirements = \"tiny-snake==1.0.0\\n\"\n",
                                     "tiny-snake {version} from pypi"));
  auto install = env.tailor({"install", "tiny-snake"});
  INFO(install.err);
  CHECK(install.exit_code == 9);
  CHECK(install.err.find("does not pin a version (==) and its --hash") != std::string::npos);
  for (const auto& line : env.server.request_lines()) CHECK(line.find("/simple/") == std::string::npos);
  env.check_nothing_left("tiny-snake");
}

// ---- go ----

TEST_CASE("go_build builds a Go module from a GOPROXY with the system Go, and remove leaves nothing" *
          doctest::skip(k_no_go)) {
  Env env("tiny-go");
  GoModule module = tiny_go_module();
  serve_goproxy(env.server, module);
  env.options.env["TAILOR_GOPROXY"] = env.server.base_url();
  write_text(env.registry / "tiny-go.toml", tiny_go_recipe(module.go_sum));

  auto plan = env.tailor({"plan", "tiny-go"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("go_build: Go module example.com/tiny-go@v1.0.0, toolchain system (/usr/bin)") !=
        std::string::npos);

  auto install = env.tailor({"install", "tiny-go"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(fetched(env.server, "/example.com/tiny-go/@v/v1.0.0.zip"));
  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  auto ran = run({(env.home / "bin" / "tiny-go").string()}, plain);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out == "tiny-go 1.0.0 from goproxy\n");

  auto removed = run_tailor({"remove", "tiny-go"}, env.options);
  INFO(removed.err);
  CHECK(removed.exit_code == 0);
  env.check_nothing_left("tiny-go");
}

TEST_CASE("go_build refuses a module whose zip does not match go.sum" * doctest::skip(k_no_go)) {
  Env env("tiny-go");
  GoModule module = tiny_go_module();
  serve_goproxy(env.server, module);
  env.options.env["TAILOR_GOPROXY"] = env.server.base_url();
  // The zip's h1: of other sources; the go.mod line stays right.
  std::string go_sum = module.go_sum;
  go_sum.replace(go_sum.find("h1:") + 3, 4, go_sum.substr(go_sum.find("h1:") + 3, 4) == "AAAA" ? "BBBB" : "AAAA");
  write_text(env.registry / "tiny-go.toml", tiny_go_recipe(go_sum));
  auto install = env.tailor({"install", "tiny-go"});
  INFO(install.err);
  CHECK(install.exit_code == 9);
  CHECK(install.err.find("does not match the hash the lock data pins") != std::string::npos);
  std::string log = log_named_in(install.err);
  CHECK(fs::path(log).parent_path() == env.home / "logs");
  env.check_nothing_left("tiny-go");
}

// ---- cargo ----

TEST_CASE("cargo_build builds a crate from its locked .crate with the system cargo, and remove leaves nothing" *
          doctest::skip(k_no_cargo)) {
  Env env("tiny-rs");
  const std::string crate = tiny_rs_crate();
  serve_crates(env.server, crate);
  env.options.env["TAILOR_CRATES_REGISTRY"] = env.server.base_url();
  write_text(env.registry / "tiny-rs.toml", tiny_rs_recipe(sha256_hex(crate)));

  auto plan = env.tailor({"plan", "tiny-rs"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("cargo_build: crate tiny-rs@1.0.0, toolchain system (/usr/bin)") != std::string::npos);

  auto install = env.tailor({"install", "tiny-rs"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(fetched(env.server, "/api/v1/crates/tiny-rs/1.0.0/download"));
  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  auto ran = run({(env.home / "bin" / "tiny-rs").string()}, plain);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out == "tiny-rs 1.0.0 from crates\n");

  auto removed = run_tailor({"remove", "tiny-rs"}, env.options);
  INFO(removed.err);
  CHECK(removed.exit_code == 0);
  env.check_nothing_left("tiny-rs");
}

TEST_CASE("cargo_build refuses a .crate whose SHA-256 is not the locked one" * doctest::skip(k_no_cargo)) {
  Env env("tiny-rs");
  serve_crates(env.server, tiny_rs_crate());
  env.options.env["TAILOR_CRATES_REGISTRY"] = env.server.base_url();
  write_text(env.registry / "tiny-rs.toml", tiny_rs_recipe(sha256_hex("other bytes")));
  auto install = env.tailor({"install", "tiny-rs"});
  INFO(install.err);
  CHECK(install.exit_code == 9);
  CHECK(install.err.find("checksum mismatch") != std::string::npos);
  env.check_nothing_left("tiny-rs");
}

// ---- gem ----

TEST_CASE("gem_exec installs a locked gem with the system Ruby, and remove leaves nothing" * doctest::skip(k_no_ruby)) {
  Env env("tiny-rb");
  const std::string gem = tiny_rb_gem();
  serve_rubygems(env.server, gem);
  env.options.env["TAILOR_RUBYGEMS"] = env.server.base_url();
  write_text(env.registry / "tiny-rb.toml", tiny_rb_recipe(sha256_hex(gem)));

  auto plan = env.tailor({"plan", "tiny-rb"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK(plan.out.find("gem_exec: gem tiny-rb@1.0.0, toolchain system (/usr/bin)") != std::string::npos);

  auto install = env.tailor({"install", "tiny-rb"});
  INFO(install.out);
  INFO(install.err);
  REQUIRE(install.exit_code == 0);
  CHECK(fetched(env.server, "/gems/tiny-rb-1.0.0.gem"));
  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  plain.unset_env = {"GEM_HOME", "GEM_PATH"};
  auto ran = run({(env.home / "bin" / "tiny-rb").string()}, plain);
  INFO(ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out.starts_with("tiny-rb 1.0.0 from rubygems, GEM_HOME "));
  CHECK(ran.out.find("tools/tiny-rb-1.0.0/bin/../gems") != std::string::npos);
  CHECK(fs::is_empty(env.user_home));

  auto removed = run_tailor({"remove", "tiny-rb"}, env.options);
  INFO(removed.err);
  CHECK(removed.exit_code == 0);
  env.check_nothing_left("tiny-rb");
}

TEST_CASE("gem_exec refuses a gem whose SHA-256 is not the locked one" * doctest::skip(k_no_ruby)) {
  Env env("tiny-rb");
  serve_rubygems(env.server, tiny_rb_gem());
  env.options.env["TAILOR_RUBYGEMS"] = env.server.base_url();
  write_text(env.registry / "tiny-rb.toml", tiny_rb_recipe(sha256_hex("other bytes")));
  auto install = env.tailor({"install", "tiny-rb"});
  INFO(install.err);
  CHECK(install.exit_code == 9);
  CHECK(install.err.find("checksum mismatch") != std::string::npos);
  env.check_nothing_left("tiny-rb");
}
