#include <doctest/doctest.h>

#include "version/providers.hpp"
#include "version/python_rules.hpp"
#include "version/version_compare.hpp"

using namespace tailor::version;

TEST_CASE("normalize_tag") {
  CHECK(normalize_tag("v1.2.3") == "1.2.3");
  CHECK(normalize_tag("1.2.3") == "1.2.3");
  CHECK(normalize_tag("cmd/tool/v0.4.1") == "0.4.1");
  CHECK(normalize_tag("Release_1_15_0") == "1.15.0");
  CHECK(normalize_tag("go1.22.4") == "1.22.4");
  CHECK(normalize_tag("version") == "version");
  CHECK(normalize_tag("") == "");
}

TEST_CASE("compare_versions") {
  SUBCASE("numeric per component, missing parts are zero") {
    CHECK(compare_versions("1.10.0", "1.9.9") > 0);
    CHECK(compare_versions("1.2", "1.2.0") == 0);
    CHECK(compare_versions("2", "10") < 0);
  }
  SUBCASE("a release beats its pre-releases, which compare per component") {
    CHECK(compare_versions("1.0.0", "1.0.0-rc.1") > 0);
    CHECK(compare_versions("1.0.0-rc.2", "1.0.0-rc.10") < 0);
    CHECK(compare_versions("1.0.0-beta", "1.0.0-alpha") > 0);
  }
  SUBCASE("build metadata is ignored") { CHECK(compare_versions("1.0.0+build.5", "1.0.0+build.1") == 0); }
}

TEST_CASE("is_stable") {
  const auto& defaults = default_stable_qualifiers();
  CHECK(is_stable("1.2.3", defaults));
  CHECK_FALSE(is_stable("1.2.3-rc.1", defaults));
  CHECK(is_stable("17.0.2-LTS", defaults));
  CHECK(is_stable("2.0.0-final", defaults));
  CHECK_FALSE(is_stable("1.7rc2", defaults));
  CHECK_FALSE(is_stable("2024.1-nightly", defaults));
  CHECK_FALSE(is_stable("3.0.0beta1", defaults));
  std::vector<std::string> own{"jre"};
  CHECK(is_stable("21.0.1-jre", own));
  CHECK_FALSE(is_stable("21.0.1-lts", own));
}

TEST_CASE("matches_pin") {
  CHECK(matches_pin("1.7.1", "1.7"));
  CHECK(matches_pin("1.7", "1.7"));
  CHECK_FALSE(matches_pin("1.70.0", "1.7"));
  CHECK(matches_pin("1.5.0", "1"));
  CHECK_FALSE(matches_pin("10.0.0", "1"));
}

TEST_CASE("nearest_versions") {
  std::vector<std::string> known{"2.0.0", "1.7.1", "1.7.0", "1.6.0", "0.9.0"};
  auto near = nearest_versions("1.8", known, 3);
  REQUIRE(near.size() == 3);
  CHECK(near[0].rfind("1.", 0) == 0);
  CHECK(near[1].rfind("1.", 0) == 0);
}

TEST_CASE("is_pep440_prerelease") {
  CHECK(is_pep440_prerelease("25.1.0b1"));
  CHECK(is_pep440_prerelease("1.0rc1"));
  CHECK(is_pep440_prerelease("2.0a"));
  CHECK(is_pep440_prerelease("3.0.0.preview2"));
  CHECK_FALSE(is_pep440_prerelease("24.3.0"));
  CHECK_FALSE(is_pep440_prerelease("1.0.post1"));
}

TEST_CASE("python_admits") {
  CHECK(python_admits("", "3.12"));
  CHECK(python_admits(">=3.8", "3.12"));
  CHECK_FALSE(python_admits(">=3.13", "3.12"));
  CHECK(python_admits(">=3.7, <4", "3.12"));
  CHECK_FALSE(python_admits("!=3.12.*", "3.12"));
  CHECK(python_admits("==3.*", "3.12"));
  CHECK(python_admits("~=3.9", "3.12"));
  CHECK_FALSE(python_admits("~=3.12.1", "3.12"));
}

TEST_CASE("escape_module_path") {
  CHECK(escape_module_path("github.com/BurntSushi/toml") == "github.com/!burnt!sushi/toml");
  CHECK(escape_module_path("golang.org/x/tools") == "golang.org/x/tools");
}
