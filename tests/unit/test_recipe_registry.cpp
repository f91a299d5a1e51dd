#include <doctest/doctest.h>

#include <cstdlib>

#include "recipe/action_behaviour.hpp"
#include "recipe/actions.hpp"
#include "recipe/registry.hpp"
#include "support/scratch.hpp"

using namespace tailor::recipe;
namespace fs = std::filesystem;

namespace {

std::string recipe_text(const std::string& name, const std::string& description, const std::string& extra = "") {
  return "[metadata]\nname = \"" + name + "\"\ndescription = \"" + description + "\"\n" + extra +
         "[[steps]]\naction = \"download\"\nurl = \"https://x.example.org/{version}/" + name +
         "\"\n[verify]\ncommand = \"" + name + " --version\"\n";
}

RegistryOptions only(std::vector<fs::path> dirs) {
  RegistryOptions options;
  options.directories = std::move(dirs);
  options.use_embedded = false;
  return options;
}

}  // namespace

TEST_CASE("Registry::find") {
  fs::path first = tailor::test::fresh_dir("registry-first");
  fs::path second = tailor::test::fresh_dir("registry-second");
  tailor::test::write_text(first / "t" / "tool.toml", recipe_text("tool", "from first"));
  tailor::test::write_text(second / "t" / "tool.toml", recipe_text("tool", "from second"));
  tailor::test::write_text(second / "flat.toml", recipe_text("flat", "flat layout"));
  tailor::test::write_text(
      second / "o" / "openssl-kit.toml",
      recipe_text("openssl-kit", "claims openssl", "satisfies = { homebrew = [\"openssl@3\"] }\n"));
  Registry registry(only({first, second}));

  SUBCASE("earlier directories win") {
    auto found = registry.find("tool");
    REQUIRE(found.has_value());
    REQUIRE(*found != nullptr);
    CHECK((*found)->metadata.description == "from first");
    CHECK(registry.source_of("tool") == (first / "t" / "tool.toml").string());
  }
  SUBCASE("results are cached: the same object comes back") {
    auto a = registry.find("tool");
    auto b = registry.find("tool");
    CHECK(*a == *b);
  }
  SUBCASE("flat layout is accepted") {
    auto found = registry.find("flat");
    REQUIRE(found.has_value());
    CHECK((*found)->metadata.name == "flat");
  }
  SUBCASE("an alias in satisfies resolves to its single claimant") {
    auto found = registry.find("openssl@3");
    REQUIRE(found.has_value());
    REQUIRE(*found != nullptr);
    CHECK((*found)->metadata.name == "openssl-kit");
    CHECK(registry.alias_claimants("openssl@3") == std::vector<std::string>{"openssl-kit"});
  }
  SUBCASE("unknown names and path tricks give nullptr") {
    CHECK(*registry.find("nothing") == nullptr);
    CHECK(*registry.find("../t/tool") == nullptr);
    CHECK(*registry.find("") == nullptr);
    CHECK_FALSE(registry.contains("nothing"));
  }
  SUBCASE("names lists every recipe once, sorted") {
    CHECK(registry.names() == std::vector<std::string>{"flat", "openssl-kit", "tool"});
  }
  SUBCASE("a recipe that fails the planning checks is an error naming the file") {
    tailor::test::write_text(first / "b" / "broken.toml", "[metadata]\nname = \"broken\"\n");
    auto found = registry.find("broken");
    REQUIRE_FALSE(found.has_value());
    CHECK(found.error().message ==
          (first / "b" / "broken.toml").string() + ": recipe validation failed: at least one step is required");
  }
  SUBCASE("a recipe over 1 MiB is refused before parsing") {
    tailor::test::write_text(first / "h" / "huge.toml", std::string(1024 * 1024 + 1, '#'));
    auto found = registry.find("huge");
    REQUIRE_FALSE(found.has_value());
    CHECK(found.error().kind == tailor::ErrorKind::invalid_input);
  }
}

TEST_CASE("Registry::load_file") {
  fs::path dir = tailor::test::fresh_dir("registry-file");
  tailor::test::write_text(dir / "x.toml", recipe_text("x", "explicit"));
  Registry registry(only({}));
  auto loaded = registry.load_file(dir / "x.toml");
  REQUIRE(loaded.has_value());
  CHECK((*loaded)->metadata.description == "explicit");
  CHECK_FALSE(registry.load_file(dir / "missing.toml").has_value());
}

TEST_CASE("default_registry_options") {
  ::setenv("TAILOR_RECIPES", "/env/recipes", 1);
  auto from_env = default_registry_options("");
  REQUIRE(from_env.directories.size() == 2);
  CHECK(from_env.directories[0] == fs::path("/env/recipes"));
  auto from_flag = default_registry_options("/flag/recipes");
  CHECK(from_flag.directories[0] == fs::path("/flag/recipes"));
  CHECK(from_flag.directories[1].filename() == "recipes");
  CHECK(from_flag.use_embedded);
  ::unsetenv("TAILOR_RECIPES");
  CHECK(default_registry_options("").directories.size() == 1);
}

TEST_CASE("find_action") {
  REQUIRE(all_actions().size() == k_action_count);
  for (const ActionInfo& a : all_actions()) {
    CAPTURE(a.name);
    CHECK(find_action(a.name) == &a);
    CHECK(action_kind(a.name) == a.kind);
    CHECK(action_name(a.kind) == a.name);
  }
  const ActionInfo* npm = find_action("npm_exec");
  REQUIRE(npm != nullptr);
  CHECK(npm->evaluable);
  CHECK_FALSE(npm->deterministic);
  CHECK(npm->runtime_deps == std::vector<std::string_view>{"nodejs"});
  CHECK(find_action("set_env")->default_phase == "post-install");
  CHECK(find_action("install_program_files")->default_phase == "post-install");
  CHECK(find_action("download")->default_phase == "install");
  CHECK(find_action("meson_build")->linux_install_deps == std::vector<std::string_view>{"patchelf"});
  CHECK(find_action("cmake_build")->install_deps ==
        std::vector<std::string_view>{"cmake", "make", "zig", "pkg-config"});
  CHECK(find_action("apt_install")->klass == ActionClass::system);
  CHECK(find_action("nope") == nullptr);
  std::vector<std::string_view> evaluable;
  for (const ActionInfo& a : all_actions())
    if (a.evaluable) evaluable.push_back(a.name);
  CHECK(evaluable == std::vector<std::string_view>{"chmod", "download_file", "extract", "install_binaries",
                                                   "install_libraries", "install_program_files", "install_shell_init",
                                                   "link_dependencies", "npm_exec", "set_env", "set_rpath"});
  CHECK(is_composite("github_archive"));
  CHECK_FALSE(is_composite("download_file"));
  CHECK_FALSE(is_evaluable("unknown_action"));
}

TEST_CASE("action_behaviour: each catalog line reaches its own value, which fits the line") {
  for (const ActionInfo& a : all_actions()) {
    CAPTURE(a.name);
    const ActionBehaviour& behaviour = action_behaviour(a.kind);
    CHECK(behaviour.kind == a.kind);
    const bool decomposes = behaviour.decompose != nullptr;
    const bool executes = behaviour.execute != nullptr;
    const bool places = behaviour.place != nullptr;
    CHECK(decomposes == (a.klass == ActionClass::composite));
    CHECK(executes == (a.execution == ActionExecution::runs));
    CHECK(places == (a.execution == ActionExecution::placed));
  }
  // Checks are optional, but the actions whose parameters validate refuses have one.
  for (std::string_view name : {"download", "chmod", "apt_install", "npm_install", "install_shell_init", "manual"}) {
    CAPTURE(name);
    const bool checked = action_behaviour(*action_kind(name)).check != nullptr;
    CHECK(checked);
  }
}

TEST_CASE("detect_archive_format") {
  CHECK(detect_archive_format("x.TAR.GZ") == "tar.gz");
  CHECK(detect_archive_format("x.tbz") == "tar.bz2");
  CHECK(detect_archive_format("x.tzst") == "tar.zst");
  CHECK(detect_archive_format("x.zip") == "zip");
  CHECK(detect_archive_format("x.tar") == "tar");
  CHECK(detect_archive_format("x.exe").empty());
}
