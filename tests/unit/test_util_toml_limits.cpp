#include <doctest/doctest.h>

#include <string>

#include "util/toml_limits.hpp"

using namespace tailor::util;

namespace {

std::string repeat(std::string_view part, size_t count, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i != 0) out += separator;
    out += part;
  }
  return out;
}

// "LINE:COL: message" of the first limit exceeded, or "" when none is.
std::string exceeded(std::string_view text, const TomlLimits& limits = {}) {
  auto found = check_toml_limits(text, limits);
  if (!found) return "";
  return std::to_string(found->line) + ":" + std::to_string(found->column) + ": " + found->message;
}

TomlLimits parts_limit(size_t parts) {
  TomlLimits limits;
  limits.max_key_parts = parts;
  return limits;
}

}  // namespace

TEST_CASE("check_toml_limits") {
  SUBCASE("a recipe-shaped document is within the default limits") {
    const char* text = R"(# a recipe
[metadata]
name = "x"
homepage = "https://x.example.org/a.b.c"
[version]
github_repo = "example-org/x"
[[steps]]
action = "download_archive"
url = "https://dl.example.org/{version}/x.tar.gz"
when = { os = ["linux", "darwin"], gpu.vendor = "nvidia" }
[verify]
command = "x --version"
)";
    CHECK(exceeded(text) == "");
  }
  SUBCASE("every place a key can stand is counted, at the key's position") {
    const std::string deep = repeat("a", 33, ".");
    CHECK(exceeded("x = 1\n\n  [" + deep + "]\n") == "3:4: key has 33 dotted parts; the limit is 32 parts per key");
    CHECK(exceeded("[[" + deep + "]]\n") == "1:3: key has 33 dotted parts; the limit is 32 parts per key");
    CHECK(exceeded("[t]\n" + deep + " = 1\n") == "2:1: key has 33 dotted parts; the limit is 32 parts per key");
    CHECK(exceeded("x = { y = 1, " + deep + " = 2 }\n") ==
          "1:14: key has 33 dotted parts; the limit is 32 parts per key");
    CHECK(exceeded("x = [{ y = [1, 2] }, { " + deep + " = 2 }]\n") ==
          "1:24: key has 33 dotted parts; the limit is 32 parts per key");
    CHECK(exceeded("[" + repeat("a", 32, ".") + "]\n" + repeat("b", 32, ".") + " = 1\n") == "");
  }
  SUBCASE("quoted parts are one part each, whatever they contain") {
    CHECK(exceeded(R"(a."b.c".'d.e' = 1)", parts_limit(3)) == "");
    CHECK(exceeded(R"(a . "b.c" . 'd.e' . f = 1)", parts_limit(3)) ==
          "1:1: key has 4 dotted parts; the limit is 3 parts per key");
    CHECK(exceeded(R"(["a\".b.c" . 'x.y']  # [p.q.r])", parts_limit(2)) == "");
    CHECK(exceeded("\"" + repeat("a", 1000, ".") + "\" = 1\n", parts_limit(1)) == "");
  }
  SUBCASE("dots, brackets and braces in strings and comments count for nothing") {
    // After every kind of string the scan is back in step: the header of the last line is found.
    const std::string text =
        "# a.b.c = [[[{{{\n"                                      // 1
        "s = \"a.b.c [[{ \\\" # x.y.z\"\n"                        // 2
        "l = 'a.b.c [[{ \\'\n"                                    // 3: a literal string ends at its quote
        "m = \"\"\"\n"                                            // 4
        "a.b.c.d = [[[[\n"                                        // 5
        "\\\"\"\" still inside\n"                                 // 6
        "\"\"\"\n"                                                // 7
        "n = '''\n"                                               // 8
        "[x.y.z.w] ''\n"                                          // 9
        "'''\n"                                                   // 10
        "q = \"\"\"a\"\"\"\" # the close takes one more quote\n"  // 11
        "r = '''b''''' # and two\n"                               // 12
        "arr = [ # [[[[\n"                                        // 13
        "  \"]]\", '{', # }}}}\n"                                 // 14
        "]\n"                                                     // 15
        "[p.q.r]\n";                                              // 16
    TomlLimits limits;
    limits.max_key_parts = 2;
    limits.max_nesting = 1;
    CHECK(exceeded(text, limits) == "16:2: key has 3 dotted parts; the limit is 2 parts per key");
  }
  SUBCASE("columns count code points, as toml++ does") {
    CHECK(exceeded("x = { \"é\" = \"ñ\", a.b.c = 1 }\n", parts_limit(2)) ==
          "1:18: key has 3 dotted parts; the limit is 2 parts per key");
  }
  SUBCASE("a byte order mark does not hide the first header") {
    CHECK(exceeded("\xEF\xBB\xBF[a.b.c]\n", parts_limit(2)) ==
          "1:2: key has 3 dotted parts; the limit is 2 parts per key");
  }
  SUBCASE("arrays and inline tables nest at most 32 deep") {
    CHECK(exceeded("x = " + std::string(32, '[') + std::string(32, ']') + "\n") == "");
    CHECK(exceeded("x = " + std::string(33, '[') + std::string(33, ']') + "\n") ==
          "1:37: arrays and inline tables nested more than 32 deep; the limit is 32 levels");
    CHECK(exceeded("x = " + repeat("{ a = ", 33, "") + "1" + std::string(33, '}') + "\n") ==
          "1:197: arrays and inline tables nested more than 32 deep; the limit is 32 levels");
    CHECK(exceeded("x = [\n" + repeat("[", 32, "\n") + "\n") ==
          "33:1: arrays and inline tables nested more than 32 deep; the limit is 32 levels");
  }
  SUBCASE("keys and table headers are counted over the whole text") {
    TomlLimits limits;
    limits.max_keys = 4;
    CHECK(exceeded("a = 1\n[t]\nb = { c = 1 }\n", limits) == "");
    CHECK(exceeded("a = 1\n[t]\nb = { c = 1, d = 2 }\n", limits) ==
          "3:14: more than 4 keys; the limit is 4 keys and table headers per file");
    CHECK(exceeded(repeat("k = 1", 100'001, "\n")) ==
          "100001:1: more than 100000 keys; the limit is 100000 keys and table headers per file");
  }
  SUBCASE("150,000 parts are refused in every position without recursion") {
    const std::string deep = repeat("a", 150'000, ".");
    const std::string message = "key has 150000 dotted parts; the limit is 32 parts per key";
    CHECK(exceeded("[" + deep + "]\n") == "1:2: " + message);
    CHECK(exceeded("[[" + deep + "]]\n") == "1:3: " + message);
    CHECK(exceeded(deep + " = 1\n") == "1:1: " + message);
    CHECK(exceeded("x = {" + deep + " = 1}\n") == "1:6: " + message);
  }
  SUBCASE("text that is not TOML is scanned to its end without a finding or a crash") {
    for (const char* text : {"\"unterminated\n[a]", "'''never closed\n[a.b.c]", "\"\"\"\\", "]]]}}}", "= = =", "[",
                             "x = {", "x = \"\\", "a.", ".", "\"\"\"\"\"\""}) {
      CAPTURE(text);
      CHECK(exceeded(text) == "");
    }
  }
}
