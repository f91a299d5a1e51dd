// Projects (docs/projects.md): tailor.toml (or .tsuku.toml) lists tools, `tailor resolve`
// writes tailor.lock for several targets from a loopback GitHub-shaped API and artifact
// server, `tailor install --locked` installs exactly the lock's plans for this machine.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

std::string recipe(const HttpsServer& server, const std::string& name) {
  return "[metadata]\nname = \"" + name + "\"\ndescription = \"A test tool\"\n\n[version]\ngithub_repo = \"test/" +
         name + "\"\n\n[[steps]]\naction = \"download_archive\"\nurl = \"" +
         server.url("/dl/" + name + "-{version}-{os}-{arch}.tar.gz") + "\"\nstrip_dirs = 1\nbinaries = [\"bin/" + name +
         "\"]\n\n[verify]\ncommand = \"" + name + " --version\"\npattern = \"" + name + " {version}\"\n";
}

// Serves `name` 1.0.0 for the three targets of the tests; returns the release.
ToolRelease publish(HttpsServer& server, const fs::path& registry, const std::string& name) {
  ToolRelease release = make_tool_release(name, "1.0.0");
  for (const char* platform : {"linux-amd64", "linux-arm64", "darwin-arm64"})
    server.add("/dl/" + name + "-1.0.0-" + platform + ".tar.gz", release.bytes);
  server.add_json("/repos/test/" + name + "/tags", R"([{"name": "v1.0.0"}])");
  write_text(registry / (name + ".toml"), recipe(server, name));
  return release;
}

const std::string k_project = R"([tools]
hello = "1"
world = { version = "1.0.0" }

[lock]
targets = ["linux/arm64", "darwin/arm64"]
)";

}  // namespace

TEST_CASE("resolve, resolve --check and install --locked") {
  auto server = std::make_unique<HttpsServer>();
  fs::path home = fresh_dir("project-home");
  RunOptions options = local_install_env(*server, home);
  options.env["TAILOR_GITHUB_API"] = server->base_url();
  options.unset_env = {"GITHUB_TOKEN", "GH_TOKEN", "TAILOR_OFFLINE"};
  fs::path registry = fresh_dir("project-registry");
  options.env["TAILOR_RECIPES"] = registry.string();
  ToolRelease hello = publish(*server, registry, "hello");
  publish(*server, registry, "world");
  fs::path project = fresh_dir("project");
  write_text(project / "tailor.toml", k_project);
  fs::create_directories(project / "src" / "deep");
  options.cwd = (project / "src" / "deep").string();  // found in a parent directory
  const fs::path lock_path = project / "tailor.lock";

  auto first = run_tailor({"resolve"}, options);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out ==
        "wrote " + lock_path.string() + ": 2 tools for 3 targets (darwin/arm64, linux/amd64:none, linux/arm64)\n");
  const std::string bytes = read_text(lock_path);
  ordered_json lock = ordered_json::parse(bytes);
  CHECK(lock["lock_version"] == 1);
  CHECK(lock["targets"] == ordered_json::array({"darwin/arm64", "linux/amd64:none", "linux/arm64"}));
  CHECK(lock["tools_hash"].get<std::string>().starts_with("sha256:"));
  REQUIRE(lock["entries"].size() == 6);
  CHECK(lock["entries"][0]["tool"] == "hello");
  CHECK(lock["entries"][0]["request"] == "hello@1");
  CHECK(lock["entries"][0]["target"] == "darwin/arm64");
  CHECK(lock["entries"][0]["plan"]["platform"]["os"] == "darwin");
  CHECK(lock["entries"][1]["plan"]["platform"]["arch"] == "amd64");
  CHECK(lock["entries"][2]["plan"]["platform"]["arch"] == "arm64");
  CHECK(lock["entries"][5]["request"] == "world@1.0.0");
  CHECK(lock["entries"][1]["plan"]["version"] == "1.0.0");
  CHECK(bytes.find(hello.sha256) != std::string::npos);
  CHECK(bytes.find("generated_at") == std::string::npos);

  auto second = run_tailor({"resolve"}, options);
  REQUIRE(second.exit_code == 0);
  CHECK(second.out.starts_with("unchanged " + lock_path.string()));
  CHECK(read_text(lock_path) == bytes);  // byte-stable across runs

  auto check = run_tailor({"resolve", "--check"}, options);
  CHECK(check.exit_code == 0);
  CHECK(check.out == lock_path.string() + " is up to date\n");

  SUBCASE("install --locked installs the lock's plans for this machine") {
    auto r = run_tailor({"install", "--locked"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello@1.0.0\nworld@1.0.0\n");
    CHECK(r.err.find("installing 2 tools from " + lock_path.string() + " for linux/amd64:none") != std::string::npos);
    CHECK(run({(home / "bin" / "hello").string()}).out == "hello 1.0.0\n");
    CHECK(run({(home / "bin" / "world").string()}).out == "world 1.0.0\n");
  }
  SUBCASE("an edit of tailor.toml makes the lock out of date") {
    write_text(project / "tailor.toml", R"([tools]
hello = "1"
world = "1.0"

[lock]
targets = ["linux/arm64", "darwin/arm64"]
)");
    auto checked = run_tailor({"resolve", "--check"}, options);
    CHECK(checked.exit_code == 1);
    CHECK(checked.err.find("changed since the lock was made") != std::string::npos);
    CHECK(checked.err.find("world is locked as world@1.0.0, tailor.toml asks for world@1.0") != std::string::npos);
    CHECK(checked.err.find("is out of date (2 problems)") != std::string::npos);  // one line per tool
    auto locked = run_tailor({"install", "--locked"}, options);
    CHECK(locked.exit_code == 1);
    CHECK(locked.err.find("is out of date: [tools] of " + (project / "tailor.toml").string()) != std::string::npos);
    CHECK_FALSE(fs::exists(home / "tools"));
    CHECK(read_text(lock_path) == bytes);  // --check never writes
    auto target = run_tailor({"resolve", "--check", "--target", "linux/amd64/debian:nvidia:580"}, options);
    CHECK(target.err.find("target linux/amd64/debian:nvidia:580 is not in the lock") != std::string::npos);
  }
  SUBCASE("a download that no longer matches the lock is refused, nothing kept") {
    // A fresh home: resolve's downloads in the first one's cache would still match.
    home = fresh_dir("project-home-tampered");
    options.env["TAILOR_HOME"] = home.string();
    server->add("/dl/world-1.0.0-linux-amd64.tar.gz", make_tool_release("world", "6.6.6").bytes);
    auto r = run_tailor({"install", "--locked"}, options);
    CHECK(r.exit_code == 9);
    CHECK(r.err.find("world-1.0.0-linux-amd64.tar.gz") != std::string::npos);
    CHECK_FALSE(fs::exists(home / "bin" / "hello"));
    CHECK_FALSE(fs::exists(home / "bin" / "world"));
    CHECK_FALSE(fs::exists(home / "tools" / "hello-1.0.0"));
    CHECK_FALSE(fs::exists(home / "tools" / "world-1.0.0"));
  }
  SUBCASE("no lock, no entry for this machine, a damaged lock") {
    RunOptions darwin = options;
    fs::path facts = fresh_dir("darwin-facts") / "facts.json";
    write_text(facts, R"({"facts_version": 1, "os": "darwin", "arch": "amd64", "gpu": "apple"})");
    darwin.env["TAILOR_FACTS"] = facts.string();
    auto foreign = run_tailor({"install", "--locked"}, darwin);
    CHECK(foreign.exit_code == 1);
    CHECK(foreign.err.find("has no entry for this machine, darwin/amd64 (its targets: darwin/arm64, "
                           "linux/amd64:none, linux/arm64); add it with `tailor resolve --target darwin/amd64`") !=
          std::string::npos);
    write_text(lock_path, "{\n  \"lock_version\": 1,\n  oops\n}\n");
    auto damaged = run_tailor({"install", "--locked"}, options);
    CHECK(damaged.exit_code == 10);
    CHECK(damaged.err.find(lock_path.string() + ":3:3: not JSON") != std::string::npos);
    fs::remove(lock_path);
    auto missing = run_tailor({"install", "--locked"}, options);
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("there is no " + lock_path.string()) != std::string::npos);
    auto missing_check = run_tailor({"resolve", "--check"}, options);
    CHECK(missing_check.exit_code == 1);
  }
  SUBCASE("fetch --lock bundles this machine's artifacts for install --locked --from") {
    fs::path bundle = fresh_dir("project-bundle");
    auto fetched = run_tailor({"fetch", "--lock", "--into", bundle.string()}, options);
    INFO(fetched.err);
    REQUIRE(fetched.exit_code == 0);
    CHECK(fetched.out == "2 artifacts in " + bundle.string() + "\n");
    server.reset();  // no network from here on
    auto r = run_tailor({"install", "--locked", "--from", bundle.string(), "--offline"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(run({(home / "bin" / "world").string()}).out == "world 1.0.0\n");
  }
}

TEST_CASE("install without tool names installs the project's tools") {
  HttpsServer server;
  fs::path home = fresh_dir("tsuku-home");
  RunOptions options = local_install_env(server, home);
  options.env["TAILOR_GITHUB_API"] = server.base_url();
  options.unset_env = {"GITHUB_TOKEN", "GH_TOKEN", "TAILOR_OFFLINE"};
  fs::path registry = fresh_dir("tsuku-registry");
  options.env["TAILOR_RECIPES"] = registry.string();
  publish(server, registry, "hello");
  fs::path project = fresh_dir("tsuku-project");
  options.cwd = project.string();

  SUBCASE(".tsuku.toml is read when there is no tailor.toml") {
    write_text(project / ".tsuku.toml", "[tools]\nhello = \"1.0.0\"\n\n[settings]\nanything = true\n");
    auto r = run_tailor({"install"}, options);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello@1.0.0\n");
    CHECK(r.err.find("project " + (project / ".tsuku.toml").string()) != std::string::npos);
    CHECK(run({(home / "bin" / "hello").string()}).out == "hello 1.0.0\n");
  }
  SUBCASE("init writes a starter file, and not over an existing one") {
    auto r = run_tailor({"init"}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "wrote " + (project / "tailor.toml").string() + "\n");
    CHECK(read_text(project / "tailor.toml").find("[tools]\n") != std::string::npos);
    auto again = run_tailor({"init"}, options);
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("already exists; --force replaces it") != std::string::npos);
    auto empty = run_tailor({"install"}, options);
    CHECK(empty.exit_code == 1);
    CHECK(empty.err.find("lists no tools under [tools]") != std::string::npos);
    write_text(project / "tailor.toml", read_text(project / "tailor.toml") + "");
    std::string text = read_text(project / "tailor.toml");
    text.replace(text.find("[tools]\n"), 8, "[tools]\nhello = \"1.0.0\"\n");
    write_text(project / "tailor.toml", text);
    auto installed = run_tailor({"install"}, options);
    INFO(installed.err);
    CHECK(installed.exit_code == 0);
    CHECK(installed.out == "hello@1.0.0\n");
  }
  SUBCASE("no project file and no tool is a usage error") {
    auto r = run_tailor({"install"}, options);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("name at least one tool, or pass --plan FILE, or run in a project") != std::string::npos);
  }
}

TEST_CASE("malformed tailor.toml and targets") {
  fs::path project = fresh_dir("bad-project");
  RunOptions options;
  options.cwd = project.string();
  options.env["TAILOR_HOME"] = fresh_dir("bad-home").string();
  const std::string path = (project / "tailor.toml").string();
  SUBCASE("a syntax error") {
    write_text(project / "tailor.toml", "[tools]\nhello = \"1\nworld = \"2\"\n");
    auto r = run_tailor({"resolve"}, options);
    CHECK(r.exit_code == 10);
    CHECK(r.err.find("error: " + path + ":2:") == 0);
  }
  SUBCASE("every bad value is reported with its position") {
    write_text(project / "tailor.toml",
               "[tools]\nhello = 3\nworld = { version = \"1\", backend = \"cuad\" }\n\"x@1\" = \"2\"\n"
               "[lock]\ntargets = [\"linux/amd65\"]\n[other]\n");
    auto r = run_tailor({"install", "--locked"}, options);
    CHECK(r.exit_code == 10);
    CHECK(r.err.find(path + ":2:9: tool 'hello': expected a version string") != std::string::npos);
    CHECK(r.err.find(path + ":3:9: tool 'world': unknown backend 'cuad'") != std::string::npos);
    CHECK(r.err.find(path + ":4:9: tool 'x@1': put the version in the value") != std::string::npos);
    CHECK(r.err.find(path + ":6:12: unknown architecture 'amd65'") != std::string::npos);
    CHECK(r.err.find(path + ":7:1: unknown table 'other'") != std::string::npos);
  }
  SUBCASE("a bad --target is a usage error") {
    write_text(project / "tailor.toml", "[tools]\n");
    auto r = run_tailor({"resolve", "--target", "linux"}, options);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("expected os/arch[/family][:gpu[:driver]]") != std::string::npos);
  }
  SUBCASE("a .tsuku.toml of more than 256 tools") {
    std::string text = "[tools]\n";
    for (int i = 0; i < 257; ++i) text += "tool" + std::to_string(i) + " = \"1\"\n";
    write_text(project / ".tsuku.toml", text);
    auto r = run_tailor({"install"}, options);
    CHECK(r.exit_code == 10);
    CHECK(r.err.find("a .tsuku.toml may list at most 256") != std::string::npos);
  }
}
