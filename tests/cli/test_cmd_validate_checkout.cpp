// `tailor validate PATH...` over a tree shaped like a tsuku checkout: every recipe under the
// given paths is part of the dependency universe, however deep it lies (docs/registries.md).
#include <doctest/doctest.h>

#include <string>

#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

namespace {

std::string recipe(const std::string& name, const std::string& runtime_deps) {
  return "[metadata]\nname = \"" + name + "\"\ndescription = \"The " + name + " tool\"\n" +
         (runtime_deps.empty() ? "" : "runtime_dependencies = [" + runtime_deps + "]\n") +
         "\n[version]\ngithub_repo = \"t/" + name +
         "\"\n\n[[steps]]\naction = \"download\"\nurl = "
         "\"https://example.org/" +
         name + "-{version}\"\n\n[verify]\ncommand = \"" + name + " --version\"\n";
}

}  // namespace

TEST_CASE("tailor validate over a registry checkout") {
  fs::path root = fresh_dir("checkout");
  write_text(root / "recipes/a/app.toml", recipe("app", "\"libfoo\", \"bee\""));
  write_text(root / "recipes/b/bee.toml", recipe("bee", "\"libfoo\""));
  write_text(root / "internal/recipe/recipes/libfoo.toml", recipe("libfoo", ""));
  RunOptions options;
  options.cwd = root.string();

  SUBCASE("the checkout's own recipes resolve each other's dependencies from any layout") {
    for (const std::vector<std::string>& paths :
         {std::vector<std::string>{"recipes", "internal/recipe/recipes"}, std::vector<std::string>{"."},
          std::vector<std::string>{"recipes/a/app.toml", "recipes/b", "internal/recipe/recipes/libfoo.toml"}}) {
      std::vector<std::string> args{"validate"};
      args.insert(args.end(), paths.begin(), paths.end());
      auto r = run_tailor(args, options);
      INFO(r.out, r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.out.find("does not resolve") == std::string::npos);
      CHECK(r.out.find("3 recipes checked: 3 valid, 0 invalid") != std::string::npos);
    }
  }
  SUBCASE("a dependency the given paths do not contain still does not resolve") {
    auto r = run_tailor({"validate", "recipes"}, options);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("dependency 'libfoo' does not resolve") != std::string::npos);
  }
}
