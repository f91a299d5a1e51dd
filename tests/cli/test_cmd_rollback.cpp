// rollback, activate, list --all-versions and remove --keep-latest over real installs of
// several versions; the bad requests change nothing.
#include <doctest/doctest.h>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

namespace {

struct Versions {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path plans = fresh_dir("plans");
  RunOptions options;

  Versions() { options = local_install_env(server, home); }
  RunResult install(const std::string& version) {
    ToolRelease release = make_tool_release("hello", version);
    server.add("/" + release.file_name(), release.bytes);
    fs::path plan = plans / ("hello-" + version + ".json");
    write_text(plan, make_tool_plan(release, server.url("/" + release.file_name())).dump());
    return run_tailor({"install", "--plan", plan.string()}, options);
  }
  RunResult tailor(const std::vector<std::string>& args) const { return run_tailor(args, options); }
  std::string run_bin() const { return run({(home / "bin" / "hello").string()}).out; }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("rollback and activate refuse what they cannot do, changing nothing") {
  Versions env;
  REQUIRE(env.install("1.0.0").exit_code == 0);
  const std::string state = read_text(env.home / "state.json");

  auto none = env.tailor({"rollback", "hello"});
  CHECK(none.exit_code == 1);
  CHECK(none.err ==
        "error: hello has no previous version to roll back to (installed: 1.0.0); `tailor activate hello VERSION` "
        "activates another installed version, nothing was changed\n");
  auto missing = env.tailor({"activate", "hello", "9.9.9"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err ==
        "error: hello@9.9.9 is not installed (installed: 1.0.0); `tailor install hello@9.9.9` installs it, nothing "
        "was changed\n");
  auto unknown = env.tailor({"rollback", "nope"});
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.err, "nope is not installed"));
  CHECK(env.tailor({"activate", "hello", "../x"}).exit_code == 2);
  CHECK(env.tailor({"update"}).exit_code == 2);
  CHECK(env.tailor({"update", "hello@2"}).exit_code == 2);
  CHECK(read_text(env.home / "state.json") == state);
  CHECK(env.run_bin() == "hello 1.0.0\n");

  auto same = env.tailor({"activate", "hello", "1.0.0"});
  CHECK(same.exit_code == 0);
  CHECK(same.out.empty());
  CHECK(contains(same.err, "hello@1.0.0 is already active"));

  SUBCASE("a previous version removed since cannot be rolled back to") {
    REQUIRE(env.install("1.1.0").exit_code == 0);
    REQUIRE(env.tailor({"remove", "hello@1.0.0"}).exit_code == 0);
    auto gone = env.tailor({"rollback", "hello"});
    CHECK(gone.exit_code == 1);
    CHECK(contains(gone.err, "(1.0.0 was removed)"));
    CHECK(env.run_bin() == "hello 1.1.0\n");
  }
}

TEST_CASE("activate any installed version; remove --keep-latest prunes the others") {
  Versions env;
  for (const std::string version : {"1.0.0", "1.1.0", "1.2.0"}) REQUIRE(env.install(version).exit_code == 0);
  CHECK(env.tailor({"list", "--all-versions"}).out == "hello 1.0.0\nhello 1.1.0 (previous)\nhello 1.2.0 (active)\n");
  CHECK(env.tailor({"list"}).out == "hello 1.2.0 (active) (+2 other versions)\n");

  auto activated = env.tailor({"activate", "hello", "1.0.0", "--json"});
  REQUIRE_MESSAGE(activated.exit_code == 0, activated.err);
  CHECK(activated.out ==
        "{\n  \"tool\": \"hello\",\n  \"from\": \"1.2.0\",\n  \"to\": \"1.0.0\",\n  \"changed\": true\n}\n");
  CHECK(env.run_bin() == "hello 1.0.0\n");
  CHECK(fs::read_symlink(env.home / "bin" / "hello") == env.home / "tools" / "hello-1.0.0" / "bin" / "hello");

  CHECK(env.tailor({"remove", "--keep-latest", "0"}).exit_code == 2);
  auto pruned = env.tailor({"remove", "hello", "--keep-latest", "1"});
  INFO(pruned.err);
  REQUIRE(pruned.exit_code == 0);
  // The newest stays, and so does the active one.
  CHECK(pruned.out == "Removed hello@1.1.0\n");
  CHECK_FALSE(fs::exists(env.home / "tools" / "hello-1.1.0"));
  CHECK(env.tailor({"list", "--all-versions"}).out == "hello 1.0.0 (active)\nhello 1.2.0 (previous)\n");
  CHECK(env.run_bin() == "hello 1.0.0\n");

  auto nothing = env.tailor({"remove", "--keep-latest", "2"});
  CHECK(nothing.exit_code == 0);
  CHECK(nothing.out.empty());
  CHECK(env.tailor({"rollback", "hello"}).out == "hello 1.0.0 -> 1.2.0\n");
  CHECK(env.tailor({"remove", "--keep-latest", "1"}).out == "Removed hello@1.0.0\n");
  CHECK(env.tailor({"list", "--all-versions"}).out == "hello 1.2.0 (active)\n");
  CHECK(env.tailor({"verify", "--all"}).exit_code == 0);
}
