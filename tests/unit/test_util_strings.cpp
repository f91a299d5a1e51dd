#include <doctest/doctest.h>

#include <vector>

#include "util/strings.hpp"

using namespace tailor::util;

TEST_CASE("closest_match") {
  std::vector<std::string> names{"download", "download_archive", "extract", "chmod"};
  SUBCASE("finds a near miss") { CHECK(closest_match("downlod", names) == "download"); }
  SUBCASE("nothing close") { CHECK_FALSE(closest_match("zzzzzzzzzzzz", names).has_value()); }
}

TEST_CASE("replace_all") {
  CHECK(replace_all("{v}-{v}", "{v}", "{v}x") == "{v}x-{v}x");
  CHECK(replace_all("abc", "", "x") == "abc");
}

TEST_CASE("split") {
  CHECK(split("a/b//c", '/') == std::vector<std::string>{"a", "b", "", "c"});
  CHECK(split_whitespace("  a \t b\n") == std::vector<std::string>{"a", "b"});
}
