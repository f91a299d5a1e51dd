#include <doctest/doctest.h>

#include "util/gfx_target.hpp"

using namespace tailor;

TEST_CASE("is_gfx_target") {
  for (const char* name : {"gfx906", "gfx90a", "gfx942", "gfx1010", "gfx1030", "gfx1100", "gfx1151", "gfx1201"}) {
    CAPTURE(name);
    CHECK(util::is_gfx_target(name));
  }
  for (const char* name : {"", "gfx", "gfx9", "gfx90", "gfx11000", "gfx11-generic", "gfx90a:xnack-", "GFX1030",
                           "gfx0900", "gfx90g", "sm_75"}) {
    CAPTURE(name);
    CHECK_FALSE(util::is_gfx_target(name));
  }
  for (const auto& known : util::known_gfx_targets()) CHECK(util::is_gfx_target(known));
}

TEST_CASE("gfx_target_of_version: HSA_OVERRIDE_GFX_VERSION values") {
  CHECK(util::gfx_target_of_version("10.3.0") == "gfx1030");
  CHECK(util::gfx_target_of_version("11.0.0") == "gfx1100");
  CHECK(util::gfx_target_of_version("9.0.10") == "gfx90a");
  CHECK(util::gfx_target_of_version("9.4.2") == "gfx942");
  CHECK_FALSE(util::gfx_target_of_version("10.3"));
  CHECK_FALSE(util::gfx_target_of_version("10.3.0.1"));
  CHECK_FALSE(util::gfx_target_of_version("gfx1030"));
  CHECK_FALSE(util::gfx_target_of_version("10.16.0"));
  CHECK_FALSE(util::gfx_target_of_version(""));
}
