#include <doctest/doctest.h>

#include "util/canonical_json.hpp"

using tailor::util::canonical_json;

TEST_CASE("canonical_json") {
  SUBCASE("prints objects and arrays like jq") {
    nlohmann::ordered_json value = {{"b", 1},
                                    {"a", nlohmann::ordered_json::array({"x", true})},
                                    {"e", nlohmann::ordered_json::object()},
                                    {"f", nlohmann::ordered_json::array()}};
    CHECK(canonical_json(value) ==
          "{\n  \"b\": 1,\n  \"a\": [\n    \"x\",\n    true\n  ],\n  \"e\": {},\n  \"f\": []\n}\n");
  }
  SUBCASE("escapes like jq") {
    nlohmann::ordered_json value = std::string("<a&b>/\x01\x7f\t\"\\é");
    CHECK(canonical_json(value) == "\"<a&b>/\\u0001\\u007f\\t\\\"\\\\é\"\n");
  }
  SUBCASE("integral floats lose their fraction") {
    CHECK(canonical_json(nlohmann::ordered_json(2.0)) == "2\n");
    CHECK(canonical_json(nlohmann::ordered_json(0.25)) == "0.25\n");
  }
  SUBCASE("null") { CHECK(canonical_json(nlohmann::ordered_json(nullptr)) == "null\n"); }
}
