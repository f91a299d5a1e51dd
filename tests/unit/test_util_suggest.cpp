#include <doctest/doctest.h>

#include "util/error_kinds.hpp"
#include "util/suggest.hpp"

using namespace tailor;

TEST_CASE("did_you_mean") {
  const std::vector<std::string> names{"install", "info", "list"};
  SUBCASE("a near miss is named") { CHECK(util::did_you_mean("instal", names) == " (did you mean 'install'?)"); }
  SUBCASE("nothing close: nothing said") { CHECK(util::did_you_mean("zzzzzzzz", names).empty()); }
  SUBCASE("the distance is the caller's") { CHECK(util::did_you_mean("lst", names, 0).empty()); }
  SUBCASE("two swapped neighbours are one typo") {
    const std::vector<std::string> commands{"init", "list"};
    CHECK(util::did_you_mean("lsit", commands) == " (did you mean 'list'?)");
  }
}

TEST_CASE("kind_name") {
  CHECK(kind_name(ErrorKind::network) == "network");
  CHECK(kind_name(ErrorKind::recipe_not_found) == "recipe_not_found");
  CHECK(kind_name(ErrorKind::partial) == "partial");
  CHECK(kind_name(ErrorKind::lock_busy) == "lock_busy");
}
