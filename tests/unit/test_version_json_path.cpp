#include <doctest/doctest.h>

#include "version/json_path.hpp"

using namespace tailor::version;
using nlohmann::json;

TEST_CASE("parse_version_path") {
  SUBCASE("keys and indices") {
    auto steps = parse_version_path("data.items[2].tag");
    REQUIRE(steps);
    REQUIRE(steps->size() == 4);
    CHECK(std::get<std::string>((*steps)[0]) == "data");
    CHECK(std::get<std::size_t>((*steps)[2]) == 2);
    CHECK(std::get<std::string>((*steps)[3]) == "tag");
  }
  SUBCASE("a key may hold any character but '.' and '['") {
    auto steps = parse_version_path("cuda_cudart.version-x]");
    REQUIRE(steps);
    CHECK(std::get<std::string>((*steps)[1]) == "version-x]");
  }
  SUBCASE("malformed paths are refused") {
    for (const char* bad : {".version", "version.", "a..b", "a[]", "a[x]", "a[0]b", "a[-1]", "", "a.[0]"}) {
      INFO(bad);
      CHECK_FALSE(parse_version_path(bad));
    }
  }
}

TEST_CASE("extract_version") {
  auto doc = json::parse(R"({"current_version": "1.9.8", "releases": [{"version": 2}, {"version": 3.5},
    {"version": 3.0}, {"version": true}, {"version": ""}, {"version": null}, {"version": [1]}]})");
  CHECK(extract_version(doc, "current_version").value() == "1.9.8");
  CHECK(extract_version(doc, "releases[0].version").value() == "2");
  CHECK(extract_version(doc, "releases[1].version").value() == "3.5");
  CHECK(extract_version(doc, "releases[2].version").value() == "3");
  for (const char* bad : {"releases[3].version", "releases[4].version", "releases[5].version", "releases[6].version",
                          "releases", "missing", "releases[9].version", "current_version[0]"}) {
    INFO(bad);
    CHECK_FALSE(extract_version(doc, bad));
  }
  CHECK(extract_version(doc, "missing").error().message.find("no key 'missing'") != std::string::npos);
}
