#include <doctest/doctest.h>

#include "recipe/request.hpp"

using namespace tailor;
using namespace tailor::recipe;

namespace {

std::string message_of(const Status& st) { return st ? std::string() : st.error().message; }

}  // namespace

TEST_CASE("check_version_request") {
  SUBCASE("real versions, channels and latest pass") {
    for (const char* ok : {"1.2.3", "1.2.3-rc.1", "v1.29.3", "Release_1_15_0", "1.0.0+build.5", "b6500", "@lts",
                           "latest", "2024.01.15", "go1.22"}) {
      INFO(ok);
      CHECK(check_version_request(ok));
    }
  }
  SUBCASE("hostile requests are usage errors naming the character and its position") {
    auto dots = check_version_request("../etc/passwd");
    REQUIRE_FALSE(dots);
    CHECK(dots.error().kind == ErrorKind::usage);
    CHECK(dots.error().message ==
          "invalid version '../etc/passwd': '..' at position 1 is not allowed (letters, "
          "digits, '.', '-', '_', '+'; '@' only to start a channel)");
    CHECK(message_of(check_version_request("1;rm -rf")).find("character ';' at position 2") != std::string::npos);
    CHECK(message_of(check_version_request("$(cmd)")).find("character '$' at position 1") != std::string::npos);
    CHECK(message_of(check_version_request("1/2")).find("character '/' at position 2") != std::string::npos);
    CHECK(message_of(check_version_request("1.0\nx")) ==
          "invalid version '1.0\\nx': character '\\n' at position 4 is not allowed (letters, digits, '.', '-', '_', "
          "'+'; '@' only to start a channel)");
    CHECK(message_of(check_version_request("1..2")).find("'..' at position 2") != std::string::npos);
    CHECK(message_of(check_version_request("1@2")).find("character '@' at position 2") != std::string::npos);
    CHECK_FALSE(check_version_request(""));
    CHECK_FALSE(check_version_request("@"));
    CHECK_FALSE(check_version_request(std::string(129, '1')));
    CHECK_FALSE(check_version_request(std::string("1\0", 2)));
  }
}

TEST_CASE("check_plan_version") {
  CHECK(check_plan_version("1.2.3"));
  CHECK(check_plan_version("dev"));
  CHECK_FALSE(check_plan_version("@lts"));
  CHECK_FALSE(check_plan_version("latest/.."));
  CHECK_FALSE(check_plan_version(""));
}

TEST_CASE("check_tool_name") {
  for (const char* ok : {"hello", "llama.cpp", "g++", "python-standalone", "7zip", "a_b"}) {
    INFO(ok);
    CHECK(check_tool_name(ok));
  }
  CHECK(message_of(check_tool_name("Hello")).find("character 'H' at position 1") != std::string::npos);
  CHECK(message_of(check_tool_name("-x")).find("character '-' at position 1") != std::string::npos);
  CHECK(message_of(check_tool_name("a/b")).find("character '/' at position 2") != std::string::npos);
  CHECK(message_of(check_tool_name("a..b")).find("'..' at position 2") != std::string::npos);
  CHECK(message_of(check_tool_name("")) == "empty tool name");
  CHECK(check_tool_name("it's").error().message.find("character \"'\" at position 3") != std::string::npos);
}

TEST_CASE("parse_tool_request") {
  auto plain = parse_tool_request("hello");
  REQUIRE(plain);
  CHECK(plain->tool == "hello");
  CHECK(plain->version.empty());
  auto pinned = parse_tool_request("node@@lts");
  REQUIRE(pinned);
  CHECK(pinned->tool == "node");
  CHECK(pinned->version == "@lts");
  CHECK(parse_tool_request("tool@../etc/passwd").error().kind == ErrorKind::usage);
  CHECK_FALSE(parse_tool_request("tool@"));
  CHECK_FALSE(parse_tool_request("@1.0"));
  CHECK_FALSE(parse_tool_request("Tool@1.0"));
}

TEST_CASE("printable") {
  CHECK(printable("a\tb\n\x1b\\") == "a\\tb\\n\\x1b\\\\");
  CHECK(printable("plain") == "plain");
}
