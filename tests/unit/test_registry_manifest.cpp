#include <doctest/doctest.h>

#include "registry/manifest.hpp"
#include "registry/settings.hpp"

using namespace tailor;
using namespace tailor::registry;

TEST_CASE("parse_manifest") {
  SUBCASE("schema 1 with a deprecation; entries sorted, invalid names dropped") {
    auto m = parse_manifest(R"({"schema_version": 1, "generated_at": "2026-12-01T00:00:00Z",
      "deprecation": {"sunset_date": "2027-01-01", "min_cli_version": "0.9", "message": "move on"},
      "recipes": [{"name": "zz", "description": "last", "runtime_dependencies": ["a"]},
                  {"name": "../x"}, {"name": "Upper"}, {"name": "aa", "homepage": "https://a"}]})",
                            "m.json");
    REQUIRE(m);
    REQUIRE(m->recipes.size() == 2);
    CHECK(m->recipes[0].name == "aa");
    CHECK(m->recipes[0].homepage == "https://a");
    CHECK(m->recipes[1].runtime_dependencies == std::vector<std::string>{"a"});
    REQUIRE(m->deprecation);
    CHECK(m->deprecation->message == "move on");
    CHECK(m->generated_at == "2026-12-01T00:00:00Z");
  }
  SUBCASE("another schema version, or none, is refused") {
    auto v2 = parse_manifest(R"({"schema_version": 2, "recipes": []})", "m.json");
    REQUIRE_FALSE(v2);
    CHECK(v2.error().kind == ErrorKind::invalid_input);
    CHECK(v2.error().message.find("schema_version 2 is not supported") != std::string::npos);
    CHECK_FALSE(parse_manifest(R"({"recipes": []})", "m.json"));
    CHECK_FALSE(parse_manifest("[1, 2]", "m.json"));
    CHECK_FALSE(parse_manifest(R"({"schema_version": 1, "recipes": {}})", "m.json"));
  }
}

TEST_CASE("is_valid_recipe_name") {
  for (const char* ok : {"a", "llama.cpp", "g++", "x_y-z", "7zip"}) CHECK(is_valid_recipe_name(ok));
  for (const char* bad : {"", ".x", "-x", "_x", "A", "a/b", "..", "../a", "a b", "a%2f", "a\\b"})
    CHECK_FALSE(is_valid_recipe_name(bad));
  CHECK_FALSE(is_valid_recipe_name(std::string(129, 'a')));
  CHECK(recipe_relative_path("kubectx") == "recipes/k/kubectx.toml");
}
