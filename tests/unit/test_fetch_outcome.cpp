#include <doctest/doctest.h>

#include "fetch/outcome.hpp"

namespace tailor::fetch {

using namespace std::chrono_literals;

TEST_CASE("classify_status") {
  SUBCASE("busy needs a Retry-After") {
    CHECK(classify_status(503, "1") == OutcomeKind::busy);
    CHECK(classify_status(429, "Wed, 21 Oct 2015 07:28:00 GMT") == OutcomeKind::busy);
    CHECK(classify_status(503, "") == OutcomeKind::transient);
    CHECK(classify_status(429, "") == OutcomeKind::transient);
  }
  SUBCASE("other 5xx and 408 are transient") {
    for (long status : {500L, 502L, 504L, 408L}) CHECK(classify_status(status, "") == OutcomeKind::transient);
  }
  SUBCASE("404 and 410 move on") {
    CHECK(classify_status(404, "") == OutcomeKind::not_found);
    CHECK(classify_status(410, "") == OutcomeKind::not_found);
  }
  SUBCASE("401 and 403 are credentials, unless the 403 is a rate limit") {
    CHECK(classify_status(401, "") == OutcomeKind::auth);
    CHECK(classify_status(403, "") == OutcomeKind::auth);
    CHECK(classify_status(403, "60") == OutcomeKind::busy);
    CHECK(classify_status(403, "", true) == OutcomeKind::busy);
  }
  SUBCASE("2xx is ok") { CHECK(classify_status(200, "") == OutcomeKind::ok); }
}

TEST_CASE("parse_retry_after") {
  auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  SUBCASE("seconds") {
    CHECK(parse_retry_after("1", now) == 1000ms);
    CHECK(parse_retry_after(" 7 ", now) == 7000ms);
  }
  SUBCASE("HTTP-date relative to now") {
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now) == 5000ms);
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == 0ms);
  }
  SUBCASE("capped at 60 s") {
    CHECK(parse_retry_after("3600", now) == 60000ms);
    CHECK(parse_retry_after("Thu, 22 Oct 2015 07:28:00 GMT", now) == 60000ms);
  }
  SUBCASE("garbage is -1") {
    CHECK(parse_retry_after("soon", now) == -1ms);
    CHECK(parse_retry_after("", now) == -1ms);
  }
}

TEST_CASE("backoff_delay") {
  SUBCASE("doubles from 0.5 s") {
    CHECK(backoff_delay(2, 0.5) == 500ms);
    CHECK(backoff_delay(3, 0.5) == 1000ms);
    CHECK(backoff_delay(4, 0.5) == 2000ms);
  }
  SUBCASE("jitter stays within +-20 %") {
    CHECK(backoff_delay(2, 0.0) == 400ms);
    CHECK(backoff_delay(2, 0.999999) >= 599ms);
    CHECK(backoff_delay(2, 0.999999) < 600ms);
    for (int i = 0; i < 100; ++i) {
      double unit = jitter_unit();
      CHECK(unit >= 0.0);
      CHECK(unit < 1.0);
    }
  }
}

}  // namespace tailor::fetch
