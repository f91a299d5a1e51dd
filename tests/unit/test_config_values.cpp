#include <doctest/doctest.h>

#include "config/values.hpp"

using namespace tailor::config;
using namespace std::chrono_literals;

TEST_CASE("parse_duration") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("30s") == 30s);
  CHECK(parse_duration("2m") == 2min);
  CHECK(parse_duration("1h") == 1h);
  SUBCASE("refused") {
    CHECK_FALSE(parse_duration("30").has_value());
    CHECK_FALSE(parse_duration("s").has_value());
    CHECK_FALSE(parse_duration("1.5s").has_value());
    CHECK_FALSE(parse_duration("-1s").has_value());
    CHECK_FALSE(parse_duration("99999999999999999999h").has_value());
  }
}

TEST_CASE("format_duration") {
  CHECK(format_duration(90s) == "90s");
  CHECK(format_duration(120s) == "2m");
  CHECK(format_duration(7200s) == "2h");
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(0ms) == "0s");
}

TEST_CASE("parse_size") {
  CHECK(parse_size("4GiB") == 4ULL << 30);
  CHECK(parse_size("512KiB") == 512ULL << 10);
  CHECK(parse_size("4294967296") == 4294967296ULL);
  CHECK(parse_size("10B") == 10);
  CHECK_FALSE(parse_size("4GB").has_value());
  CHECK_FALSE(parse_size("GiB").has_value());
  CHECK_FALSE(parse_size("99999999999TiB").has_value());
}

TEST_CASE("format_size") {
  CHECK(format_size(4ULL << 30) == "4GiB");
  CHECK(format_size(16ULL << 30) == "16GiB");
  CHECK(format_size(3072) == "3KiB");
  CHECK(format_size(1536) == "1536");
  CHECK(format_size(1000) == "1000");
}

TEST_CASE("parse_bool") {
  CHECK(parse_bool("true") == true);
  CHECK(parse_bool("1") == true);
  CHECK(parse_bool("false") == false);
  CHECK(parse_bool("0") == false);
  CHECK_FALSE(parse_bool("yes").has_value());
}
