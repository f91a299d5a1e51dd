// A key of 150,000 dotted parts (a ~300 KB file, under every size cap) killed tailor with
// SIGSEGV inside toml++ wherever it read TOML. Every command now refuses it with the file, the
// key's line:col and the limit (util/toml_limits.hpp, docs/recipe-authoring.md "Limits").
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support/process.hpp"
#include "support/scratch.hpp"

using namespace tailor::test;
namespace fs = std::filesystem;

namespace {

const std::string k_limit = "key has 150000 dotted parts; the limit is 32 parts per key";

// `[a.a.a…]` of 150,000 parts after a valid [metadata] table, so the key is on line 4.
std::string hostile_toml() {
  std::string text = "[metadata]\nname = \"hostile\"\n\n[a";
  text.reserve(text.size() + 2 * 150'000 + 8);
  for (int i = 1; i < 150'000; ++i) text += ".a";
  text += "]\nx = 1\n";
  return text;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A home, facts and sysroot that never read the real machine.
RunOptions home_env(const fs::path& dir) {
  fs::create_directories(dir / "home");
  fs::create_directories(dir / "sysroot");
  write_text(dir / "facts.json", R"({"facts_version": 1, "os": "linux", "arch": "amd64", "gpu": "none"})");
  RunOptions options;
  options.env = {{"TAILOR_HOME", (dir / "home").string()},
                 {"TAILOR_SYSROOT", (dir / "sysroot").string()},
                 {"TAILOR_FACTS", (dir / "facts.json").string()},
                 {"CI", "1"}};
  options.unset_env = {"TAILOR_BACKEND", "GITHUB_TOKEN", "GH_TOKEN"};
  return options;
}

}  // namespace

TEST_CASE("hostile TOML: a key of 150,000 dotted parts") {
  const fs::path dir = fresh_dir("hostile-toml");
  const RunOptions options = home_env(dir);
  const std::string text = hostile_toml();
  REQUIRE(text.size() < 1024 * 1024);

  SUBCASE("as a recipe: validate reports it, install --recipe refuses it") {
    const fs::path recipe = dir / "hostile.toml";
    write_text(recipe, text);
    auto validate = run_tailor({"validate", recipe.string()}, options);
    CHECK(validate.exit_code == 1);
    CHECK(contains(validate.out, recipe.string() + ":4:2: error: TOML parse error: " + k_limit + "\n"));
    auto install = run_tailor({"install", "hostile", "--recipe", recipe.string()}, options);
    CHECK(install.exit_code == 10);
    CHECK(contains(install.err, recipe.string() + ":4:2: " + k_limit));
  }
  SUBCASE("in a registry directory: recipes lists it as not loading, the others still load") {
    const fs::path registry = dir / "registry";
    write_text(registry / "h" / "hostile.toml", text);
    auto recipes = run_tailor({"recipes", "--registry", registry.string()}, options);
    CHECK(recipes.exit_code == 0);
    const std::string hostile = (registry / "h" / "hostile.toml").string();
    const size_t line = recipes.out.find("\nhostile ");
    REQUIRE(line != std::string::npos);
    const std::string entry = recipes.out.substr(line + 1, recipes.out.find('\n', line + 1) - line - 1);
    CHECK(contains(entry, "(does not load: "));
    CHECK(contains(entry, "failed to parse TOML: " + hostile + ":4:2: " + k_limit + ")  [" + hostile + "]"));
    CHECK(contains(recipes.out, "[embedded]"));
  }
  SUBCASE("as config.toml: config list and install fail with its position") {
    const fs::path config = dir / "home" / "config.toml";
    write_text(config, text);
    fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write);
    auto list = run_tailor({"config", "list"}, options);
    CHECK(list.exit_code == 10);
    CHECK(contains(list.err, config.string() + ":4:2: " + k_limit));
    auto install = run_tailor({"install", "hello", "--recipe", testdata("recipes/valid/hello.toml").string()}, options);
    CHECK(install.exit_code == 10);
    CHECK(contains(install.err, config.string() + ":4:2: " + k_limit));
  }
}
