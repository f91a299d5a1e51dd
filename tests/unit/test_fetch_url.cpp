#include <doctest/doctest.h>

#include "fetch/url.hpp"

using namespace tailor::fetch;

TEST_CASE("is_internal_address") {
  SUBCASE("the redirect ranges of docs/downloads.md are internal") {
    for (const char* ip : {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1",
                           "169.254.169.254", "0.0.0.0", "224.0.0.1", "239.1.1.1", "::1", "::", "fc00::1", "fd12::8",
                           "fe80::1", "ff02::1", "::ffff:127.0.0.1"}) {
      CAPTURE(ip);
      CHECK(is_internal_address(ip));
    }
  }
  SUBCASE("public addresses and the edges of the private ranges are not") {
    for (const char* ip : {"8.8.8.8", "140.82.112.4", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1",
                           "169.255.0.1", "2606:4700::1111", "2001:db8::1"}) {
      CAPTURE(ip);
      CHECK_FALSE(is_internal_address(ip));
    }
  }
  SUBCASE("a name is not an address") { CHECK_FALSE(is_internal_address("example.com")); }
}
