// Which `{names}` in a templated recipe field are placeholders, and which tailor knows
// (lib/recipe/validate_placeholders.cpp).
#include <doctest/doctest.h>

#include "recipe/validate_placeholders.hpp"

using namespace tailor::recipe;

namespace {

std::vector<std::string> names_in(std::string_view text) {
  std::vector<std::string> names;
  for (const auto& found : find_placeholders(text)) names.push_back(found.name);
  return names;
}

}  // namespace

TEST_CASE("find_placeholders") {
  CHECK(names_in("https://x/{version}/a-{os}-{arch}.tar.gz") == std::vector<std::string>{"version", "os", "arch"});
  CHECK(find_placeholders("ab{versoin}").front().offset == 2);
  // Not placeholders: shell variables, tsuku's double braces, empty, numbered, lists, code.
  CHECK(names_in("${HOME} {{linux_family}} {} {0} {a,b} {print $1} {").empty());
  CHECK(names_in("{deps.zlib.version}{version.build}") ==
        std::vector<std::string>{"deps.zlib.version", "version.build"});
}

TEST_CASE("is_known_placeholder") {
  for (const auto& name : known_placeholders()) CHECK(is_known_placeholder(name));
  CHECK(is_known_placeholder("version.build"));
  CHECK(is_known_placeholder("deps.zlib.version"));
  CHECK_FALSE(is_known_placeholder("versoin"));
  CHECK_FALSE(is_known_placeholder("version."));
  CHECK_FALSE(is_known_placeholder("deps.zlib"));
  CHECK_FALSE(is_known_placeholder("Version"));
}
