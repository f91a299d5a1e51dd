// Ecosystem installs (issue 18): npm_exec, pip_exec, go_build, cargo_build and gem_exec run the distribution's
// toolchain (toolchain = "system") against loopback registries serving tiny packages packed at test time from
// testdata/ecosystem: the tool installs isolated in its own directory, its wrapper runs, `remove` leaves nothing, the
// user's HOME and PATH are never used, and a package whose bytes do not match the lock data is refused with its log
// kept. Skipped (visibly) without the toolchain.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "support/archive_builder.hpp"
#include "support/ecosystem_packages.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

// doctest skips quietly: say why on stderr too (the ctest entries skip with exit 77 first).
bool missing(const char* what, std::initializer_list<const char*> programs) {
  if (system_toolchain_has(programs)) return false;
  std::fprintf(stderr, "skipped: the %s tests need %s in /usr/bin (scripts/install-deps.sh installs it)\n", what,
               *programs.begin());
  return true;
}

const bool k_no_npm = missing("npm_exec", {"node", "npm"});
const bool k_no_python = missing("pip_exec", {"python3"});
const bool k_no_go = missing("go_build", {"go"});
const bool k_no_cargo = missing("cargo_build", {"cargo", "rustc"});
const bool k_no_ruby = missing("gem_exec", {"ruby", "gem"});

// A home whose installs come from `server`, with a HOME of its own that must stay empty and a
// PATH whose first directory has a node, npm and python3 that fail: the toolchain is never
// found through PATH.
struct Env {
  HttpsServer server;
  fs::path home = fresh_dir("eco-home");
  fs::path user_home = fresh_dir("eco-user-home");
  fs::path registry = fresh_dir("eco-recipes");
  RunOptions options = local_install_env(server, home);

  explicit Env(const std::string& tool) {
    fs::path decoys = fresh_dir("eco-decoys");
    for (const char* program : {"node", "npm", "python3", "go", "cargo", "rustc", "ruby", "gem"}) {
      write_text(decoys / program, "#!/bin/sh\necho \"decoy $0 was run\" >&2\nexit 99\n");
      fs::permissions(decoys / program, fs::perms::owner_all);
    }
    options.env["HOME"] = user_home.string();
    options.env["PATH"] = decoys.string() + ":/usr/bin:/bin";
    options.env["TAILOR_GITHUB_API"] = server.base_url();
    options.unset_env = {"GITHUB_TOKEN",        "GH_TOKEN",      "TAILOR_OFFLINE", "TAILOR_RECIPES",
                         "npm_config_registry", "PIP_INDEX_URL", "GOPROXY",        "GOFLAGS"};
    options.timeout_seconds = 240;
    serve_tool_tags(server, tool);
  }

  RunResult tailor(std::vector<std::string> args) {
    args.push_back("--registry");
    args.push_back(registry.string());
    return run_tailor(args, options);
  }

  // Nothing of the tool is left in the home, and nothing was written to HOME.
  void check_nothing_left(const std::string& tool) const {
    for (const char* dir : {"tools", "bin", "tmp"}) {
      if (!fs::exists(home / dir)) continue;
      for (const auto& entry : fs::directory_iterator(home / dir)) {
        INFO(entry.path().string());
        CHECK(entry.path().filename().string().find(tool) == std::string::npos);
        CHECK(std::string(dir) != "tmp");
      }
    }
    CHECK(fs::is_empty(user_home));
  }
};

bool fetched(const HttpsServer& server, const std::string& path) {
  for (const auto& line : server.request_lines())
    if (line == "GET " + path) return true;
  return false;
}

// The log file an error names ("...; the log is PATH").
std::string log_named_in(const std::string& err) {
  auto at = err.find("the log is ");
  if (at == std::string::npos) return {};
  at += 11;
  return err.substr(at, err.find('\n', at) - at);
}

// The one step of the plan `tailor eval` printed: an ecosystem primitive with its captured lock.
ordered_json only_step(const RunResult& eval) {
  INFO(eval.err);
  REQUIRE(eval.exit_code == 0);
  ordered_json plan = ordered_json::parse(eval.out);
  REQUIRE(plan["steps"].size() == 1);
  return plan["steps"][0];
}

}  // namespace

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
  RunOptions plain;
  plain.env["PATH"] = env.options.env["PATH"];
  auto ran = run({(env.home / "bin" / "tiny-hello").string()}, plain);
  CHECK(ran.out == "tiny-hello 1.0.0 from npm, node /usr/bin/node\n");
  CHECK(fs::is_empty(env.user_home));

  // The plan is a lock: it installs again from it without npm resolving anything.
  const fs::path plan_file = fresh_dir("eco-plan") / "plan.json";
  write_text(plan_file, eval.out);
  auto removed = run_tailor({"remove", "tiny-hello"}, env.options);
  REQUIRE(removed.exit_code == 0);
  auto again = env.tailor({"install", "--plan", plan_file.string()});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("resolving the package-lock") == std::string::npos);
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
