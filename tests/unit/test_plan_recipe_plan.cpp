// The version of a recipe's plan when its provider cannot be asked (docs/versions.md): an error
// for a recipe whose download URLs are built from the version, tsuku's "dev" otherwise.
#include <doctest/doctest.h>

#include "plan/planner.hpp"
#include "plan/recipe_plan.hpp"
#include "recipe/recipe.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"
#include "support/targets.hpp"

using namespace tailor;

namespace {

struct Case {
  std::filesystem::path dir = test::fresh_dir("recipe-plan");
  std::unique_ptr<recipe::Registry> registry;
  test::FakeDownloader downloader;
  test::FakeResolver resolver;  // knows no version: every resolve is a network failure

  Result<plan::PlanOutcome> eval(const std::string& steps, const std::string& version = "") {
    test::write_text(
        dir / "t" / "tool.toml",
        "[metadata]\nname = \"tool\"\n[verify]\ncommand = \"tool --version\"\n[version]\ngithub_repo = \"o/tool\"\n" +
            steps);
    registry = std::make_unique<recipe::Registry>(recipe::RegistryOptions{{dir}, false});
    plan::PlanServices services{registry.get(), &downloader, &resolver};
    plan::PlanRequest request;
    request.tool = "tool";
    request.version = version;
    request.target = test::target_of("linux", "amd64", "debian", "glibc", "none", "", "");
    request.for_golden = true;
    return plan::generate_plan(request, services);
  }
};

}  // namespace

TEST_CASE("resolve_version when the provider cannot be asked") {
  Case c;
  SUBCASE("a URL built from the version: exit 5 (network) naming the provider and the cause, nothing downloaded") {
    for (const char* version : {"", "1.2.3"}) {
      auto outcome = c.eval("[[steps]]\naction = \"download\"\nurl = \"https://x.org/tool-{version}.bin\"\n", version);
      INFO(version);
      REQUIRE_FALSE(outcome.has_value());
      CHECK(outcome.error().kind == ErrorKind::network);
      CHECK(outcome.error().message.find("with GitHub releases of o/tool: no provider answer for tool") !=
            std::string::npos);
      CHECK(c.downloader.requests.empty());
    }
  }
  SUBCASE("a GitHub composite always needs the version") {
    auto outcome = c.eval(
        "[[steps]]\naction = \"github_file\"\nrepo = \"o/tool\"\nasset_pattern = \"tool\"\n"
        "binary = \"tool\"\n");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message ==
          "cannot resolve the latest version of tool with GitHub releases of o/tool: no provider answer for tool");
  }
  SUBCASE("URLs without the version keep tsuku's fallback: 'dev' with a warning") {
    c.downloader.add("https://x.org/tool.bin", std::string(64, 'a'), 1);
    auto outcome = c.eval("[[steps]]\naction = \"download\"\nurl = \"https://x.org/tool.bin\"\n");
    REQUIRE_MESSAGE(outcome.has_value(), outcome.error().message);
    CHECK(test::json_of(*outcome)["version"] == "dev");
    REQUIRE(outcome->warnings.size() == 1);
    CHECK(outcome->warnings[0] == "version resolution failed for tool: no provider answer for tool, using 'dev'");
  }
}

TEST_CASE("urls_need_version") {
  auto recipe_with = [](const std::string& steps) {
    auto parsed = recipe::parse_recipe("[metadata]\nname = \"t\"\n" + steps, "t.toml");
    REQUIRE(parsed.has_value());
    return *parsed;
  };
  CHECK(plan::urls_need_version(recipe_with("[[steps]]\naction = \"download\"\nurl = \"https://x/{version_tag}\"\n")));
  CHECK(plan::urls_need_version(recipe_with(
      "[[steps]]\naction = \"download\"\nurl = \"https://x/a\"\nfallback_urls = [\"https://y/{version}\"]\n")));
  CHECK(plan::urls_need_version(recipe_with("[[steps]]\naction = \"homebrew\"\nformula = \"t\"\n")));
  CHECK_FALSE(plan::urls_need_version(
      recipe_with("[[steps]]\naction = \"download\"\nurl = \"https://x/a\"\ndest = \"t-{version}\"\n")));
  CHECK_FALSE(plan::urls_need_version(recipe_with("[[steps]]\naction = \"apt_install\"\npackages = [\"t\"]\n")));
}

TEST_CASE("min_version: a version older than the first supported release is refused, naming it") {
  Case c;
  const std::string steps =
      "min_version = \"b11010\"\n[[steps]]\naction = \"github_file\"\nrepo = \"o/tool\"\n"
      "asset_pattern = \"tool-{version}\"\nbinary = \"tool\"\n";
  SUBCASE("an older build number, before any provider is asked") {
    auto outcome = c.eval(steps, "b6500");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::version);
    CHECK(outcome.error().message ==
          "tool b6500 is older than b11010, the first release this recipe supports (its download patterns do not "
          "match earlier releases)");
  }
  SUBCASE("the first supported release and newer ones pass the check (then need the provider)") {
    for (const char* version : {"b11010", "b11193"}) {
      INFO(version);
      auto outcome = c.eval(steps, version);
      REQUIRE_FALSE(outcome.has_value());
      CHECK(outcome.error().message.find("older than") == std::string::npos);
    }
  }
  SUBCASE("what a provider answers is checked too") {
    c.resolver.add("tool", "b900", "b900");
    auto outcome = c.eval(steps);
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message.find("tool b900 is older than b11010") != std::string::npos);
  }
}
