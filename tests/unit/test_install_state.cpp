#include <doctest/doctest.h>

#include "install/state.hpp"
#include "install/system_deps.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor;

TEST_CASE("update_state") {
  install::Layout layout{tailor::test::fresh_dir("state-home")};
  REQUIRE(install::ensure_layout(layout));

  SUBCASE("a missing file reads as empty state") {
    auto state = install::read_state(layout);
    REQUIRE(state);
    CHECK(state->installed.empty());
  }

  SUBCASE("round trip with sorted keys and two-space indentation") {
    auto st = install::update_state(layout, [](install::State& s) -> Status {
      s.installed["zeta"].active_version = "1.0";
      s.installed["alpha"].versions["2.0"].binaries = {"bin/alpha"};
      return {};
    });
    REQUIRE(st);
    std::string text = tailor::test::read_text(layout.state_file());
    CHECK(text.find("{\n  \"installed\": {\n    \"alpha\": {\n      \"active_version\": \"\"") == 0);
    CHECK(text.find("\"alpha\"") < text.find("\"zeta\""));
    CHECK_FALSE(fs::exists(layout.root / "state.json.tmp"));
    auto state = install::read_state(layout);
    REQUIRE(state);
    CHECK(state->installed.at("zeta").active_version == "1.0");
    CHECK(state->installed.at("alpha").versions.at("2.0").binaries == std::vector<std::string>{"bin/alpha"});
  }

  SUBCASE("a failing change writes nothing") {
    auto st = install::update_state(layout, [](install::State& s) -> Status {
      s.installed["x"].active_version = "1";
      return fail(ErrorKind::failure, "no");
    });
    CHECK_FALSE(st);
    CHECK_FALSE(fs::exists(layout.state_file()));
  }
}

TEST_CASE("compare_versions_padded") {
  CHECK(install::compare_versions_padded("1.2", "1.2.0") == 0);  // tsuku fails this one
  CHECK(install::compare_versions_padded("v1.10", "1.9") > 0);
  CHECK(install::compare_versions_padded("2", "10") < 0);
  CHECK(install::compare_versions_padded("1.2.3", "1.2.4") < 0);
}
