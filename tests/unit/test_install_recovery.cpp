#include <doctest/doctest.h>

#include <sstream>

#include "install/links.hpp"
#include "install/recovery.hpp"
#include "install/state.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor;

namespace {

// A build directory of llamalike 1.0.0 as a backend install leaves it: llama-cli naming the
// backend and .tailor/receipt.json naming it too.
void make_build(const fs::path& dir, const std::string& backend) {
  test::write_text(dir / "llama-cli", backend + "\n");
  test::write_text(dir / ".tailor" / "receipt.json", "{\"backend\": \"" + backend + "\"}\n");
}

struct SwitchHome {
  install::Layout layout{test::fresh_dir("recovery-home")};
  std::ostringstream messages;
  util::Output output;

  // state.json records llamalike 1.0.0 installed with `backend`, bin/llama-cli pointing at it.
  explicit SwitchHome(const std::string& backend) {
    output.err = &messages;
    REQUIRE(install::ensure_layout(layout));
    REQUIRE(install::update_state(layout, [&](install::State& state) -> Status {
      auto& tool = state.installed["llamalike"];
      tool.active_version = "1.0.0";
      tool.is_explicit = true;
      tool.versions["1.0.0"].binaries = {"llama-cli"};
      tool.versions["1.0.0"].plan = {{"tool", "llamalike"}, {"version", "1.0.0"}, {"platform", {{"backend", backend}}}};
      return {};
    }));
    REQUIRE(install::replace_symlink(layout.bin() / "llama-cli", live() / "llama-cli"));
  }
  fs::path live() const { return layout.tool_dir("llamalike", "1.0.0"); }
  std::string linked() const { return test::read_text(layout.bin() / "llama-cli"); }
  void check_clean() const {
    CHECK_FALSE(fs::exists(layout.previous_dir("llamalike", "1.0.0")));
    CHECK_FALSE(fs::exists(layout.staging_dir("llamalike", "1.0.0")));
    CHECK(fs::is_empty(layout.tmp()));
  }
};

}  // namespace

TEST_CASE("recover_home") {
  SUBCASE("a switch killed after the exchange, before the state write: the recorded build goes back") {
    SwitchHome home("vulkan");
    make_build(home.live(), "cpu");
    make_build(home.layout.previous_dir("llamalike", "1.0.0"), "vulkan");
    install::recover_home(home.layout, home.output);
    CHECK(home.linked() == "vulkan\n");
    CHECK(home.messages.str().find(
              "restored the vulkan build of llamalike@1.0.0 after an interrupted backend switch") != std::string::npos);
    home.check_clean();
  }
  SUBCASE("killed between the exchange and naming the old build .previous: it is found as .staging") {
    SwitchHome home("vulkan");
    make_build(home.live(), "cpu");
    make_build(home.layout.staging_dir("llamalike", "1.0.0"), "vulkan");
    install::recover_home(home.layout, home.output);
    CHECK(home.linked() == "vulkan\n");
    home.check_clean();
  }
  SUBCASE("killed before the exchange: the staged new build is dropped, the live one stays") {
    SwitchHome home("vulkan");
    make_build(home.live(), "vulkan");
    make_build(home.layout.staging_dir("llamalike", "1.0.0"), "cpu");
    install::recover_home(home.layout, home.output);
    CHECK(home.linked() == "vulkan\n");
    CHECK(home.messages.str().find("restored") == std::string::npos);
    home.check_clean();
  }
  SUBCASE("killed after the state write: the committed new build stays, the old one goes") {
    SwitchHome home("cpu");
    make_build(home.live(), "cpu");
    make_build(home.layout.previous_dir("llamalike", "1.0.0"), "vulkan");
    install::recover_home(home.layout, home.output);
    CHECK(home.linked() == "cpu\n");
    home.check_clean();
  }
  SUBCASE("a live build without a receipt is kept, as for any interrupted reinstall") {
    SwitchHome home("vulkan");
    test::write_text(home.live() / "llama-cli", "new\n");
    make_build(home.layout.previous_dir("llamalike", "1.0.0"), "vulkan");
    install::recover_home(home.layout, home.output);
    CHECK(home.linked() == "new\n");
    home.check_clean();
  }
}
