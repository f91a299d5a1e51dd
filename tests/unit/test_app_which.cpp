#include <doctest/doctest.h>

#include "app/which.hpp"
#include "support/scratch.hpp"

using namespace tailor;

TEST_CASE("recipe_commands") {
  auto recipe = recipe::parse_recipe(R"(
[metadata]
name = "jq"
binaries = ["bin/jq-extra"]

[[steps]]
action = "download"
url = "https://example.org/jq"
binaries = [{ src = "jq-{os}-{arch}", dest = "jq" }]

[[steps]]
action = "install_binaries"
outputs = ["bin/jq", "libexec/jqhelper"]
)",
                                     "jq.toml");
  REQUIRE(recipe);
  CHECK(app::recipe_commands(*recipe) == std::vector<std::string>{"jq", "jq-extra", "jqhelper"});
}

TEST_CASE("which_command refuses paths and reads an empty home") {
  install::Layout layout{test::fresh_dir("which-home") / "missing"};
  auto bad = app::which_command({layout, "bin/rg", ""});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::usage);
  auto report = app::which_command({layout, "no-such-command-anywhere", ""});
  REQUIRE(report);
  CHECK_FALSE(report->provided());
  CHECK(report->recipes.empty());
  CHECK(app::format_which(*report).starts_with("no-such-command-anywhere: not installed\n"));
}

TEST_CASE("which_command finds the embedded recipe of a command") {
  install::Layout layout{test::fresh_dir("which-embedded")};
  auto report = app::which_command({layout, "rg", ""});
  REQUIRE(report);
  REQUIRE_FALSE(report->recipes.empty());
  CHECK(report->recipes[0].recipe == "ripgrep");
  CHECK(report->recipes[0].source == "embedded");
  CHECK(report->recipes[0].match == "binary rg");
}
