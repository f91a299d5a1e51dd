#include <doctest/doctest.h>

#include <sstream>

#include "install/home_problems.hpp"
#include "install/links.hpp"
#include "install/operation_marker.hpp"
#include "install/recovery.hpp"
#include "install/state.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor;

namespace {

// The marker of an operation whose process is gone: this process's pid and boot, but a start
// time the kernel never gave it, as when the pid was reused after the install died.
install::OperationMarker dead_marker(std::string_view kind = install::k_marker_staging) {
  install::OperationMarker marker = install::make_marker(kind, "llamalike", "1.0.0");
  marker.operation = "0123456789abcdef0123456789abcdef";
  marker.process.start_time += 1;
  return marker;
}

// A marker of another operation whose process runs: this very process.
install::OperationMarker live_marker() {
  install::OperationMarker marker = install::make_marker(install::k_marker_staging, "llamalike", "1.0.0");
  marker.operation = "fedcba9876543210fedcba9876543210";
  return marker;
}

void mark(const fs::path& dir, const install::OperationMarker& marker) {
  fs::create_directories(dir);
  REQUIRE(install::write_marker(dir, marker));
}

// A build directory of llamalike 1.0.0 as a backend install leaves it: llama-cli naming the
// backend, .tailor/receipt.json naming it too, and the marker of the switch that died.
void make_build(const fs::path& dir, const std::string& backend) {
  test::write_text(dir / "llama-cli", backend + "\n");
  test::write_text(dir / ".tailor" / "receipt.json", "{\"backend\": \"" + backend + "\"}\n");
  mark(dir, dead_marker());
}

bool reported(const install::Layout& layout, const fs::path& path, const std::string& kind) {
  for (const auto& problem : install::find_home_problems(layout)) {
    if (problem.path == path && problem.kind == kind) return true;
  }
  return false;
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
  std::string said() const { return messages.str(); }
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
    CHECK_FALSE(fs::exists(install::marker_path(home.live())));  // recorded again: unmarked
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
    CHECK_FALSE(fs::exists(install::marker_path(home.live())));
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

TEST_CASE("recover_home deletes only what a dead operation marked") {
  SwitchHome home("vulkan");
  make_build(home.live(), "vulkan");
  install::remove_marker(home.live());  // installed and recorded: no marker
  const install::Layout& layout = home.layout;

  SUBCASE("a hand-made tools/manual-2.0 survives and is reported") {
    test::write_text(layout.tools() / "manual-2.0" / "bin" / "manual", "mine\n");
    install::recover_home(layout, home.output);
    CHECK(test::read_text(layout.tools() / "manual-2.0" / "bin" / "manual") == "mine\n");
    CHECK(reported(layout, layout.tools() / "manual-2.0", "unrecorded"));
    CHECK(home.linked() == "vulkan\n");
  }
  SUBCASE("an unrecorded, unmarked directory with an install receipt survives; the report names state rebuild") {
    test::write_text(layout.tools() / "forgotten-1.0" / ".tailor" / "receipt.json", "{\"tool\": \"forgotten\"}\n");
    install::recover_home(layout, home.output);
    CHECK(fs::exists(layout.tools() / "forgotten-1.0" / ".tailor" / "receipt.json"));
    auto problems = install::find_home_problems(layout);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.find("`tailor state rebuild --force`") != std::string::npos);
  }
  SUBCASE("unmarked staging and previous directories survive and are reported") {
    test::write_text(layout.staging_dir("other", "1.0") / "file", "x");
    test::write_text(layout.previous_dir("llamalike", "1.0.0") / "file", "x");
    install::recover_home(layout, home.output);
    CHECK(fs::exists(layout.staging_dir("other", "1.0") / "file"));
    CHECK(fs::exists(layout.previous_dir("llamalike", "1.0.0") / "file"));
    CHECK(reported(layout, layout.staging_dir("other", "1.0"), "leftover"));
    CHECK(reported(layout, layout.previous_dir("llamalike", "1.0.0"), "leftover"));
  }
  SUBCASE("a marked staging directory of a dead process is removed") {
    fs::path staging = layout.staging_dir("other", "1.0");
    test::write_text(staging / "bin" / "other", "x");
    mark(staging, dead_marker());
    CHECK(reported(layout, staging, "interrupted"));
    install::recover_home(layout, home.output);
    CHECK_FALSE(fs::exists(staging));
    CHECK(home.said().find("cleaned up an interrupted install (.other-1.0.staging)") != std::string::npos);
  }
  SUBCASE("a marked staging directory of a running operation is kept, and not reported") {
    fs::path staging = layout.staging_dir("other", "1.0");
    mark(staging, live_marker());
    install::recover_home(layout, home.output);
    CHECK(fs::exists(install::marker_path(staging)));
    CHECK_FALSE(reported(layout, staging, "interrupted"));
    CHECK(install::find_home_problems(layout).empty());
  }
  SUBCASE("a marker whose process cannot be judged keeps its directory") {
    install::OperationMarker marker = dead_marker();
    marker.process.boot_id.clear();
    fs::path staging = layout.staging_dir("other", "1.0");
    mark(staging, marker);
    install::recover_home(layout, home.output);
    CHECK(fs::exists(staging));
    CHECK(reported(layout, staging, "leftover"));
  }
  SUBCASE("an unrecorded version directory of a dead install goes, a recorded one only loses its marker") {
    fs::path stray = layout.tool_dir("other", "1.0");
    test::write_text(stray / "bin" / "other", "x");
    mark(stray, dead_marker());
    mark(home.live(), dead_marker());
    install::recover_home(layout, home.output);
    CHECK_FALSE(fs::exists(stray));
    CHECK(home.said().find("removed other-1.0, left by an install that did not finish") != std::string::npos);
    CHECK(fs::exists(home.live() / "llama-cli"));
    CHECK_FALSE(fs::exists(install::marker_path(home.live())));
    CHECK(fs::exists(home.live() / ".tailor" / "receipt.json"));
  }
  SUBCASE("a marked .previous whose live directory is missing goes back, unmarked") {
    fs::rename(home.live(), layout.previous_dir("llamalike", "1.0.0"));
    mark(layout.previous_dir("llamalike", "1.0.0"), dead_marker(install::k_marker_previous));
    install::recover_home(layout, home.output);
    CHECK(home.linked() == "vulkan\n");
    CHECK_FALSE(fs::exists(install::marker_path(home.live())));
    home.check_clean();
  }
  SUBCASE("deleting a marked directory never follows a symlink inside it") {
    fs::path outside = test::fresh_dir("recovery-outside");
    test::write_text(outside / "precious-1.0" / "data", "keep\n");
    fs::path staging = layout.staging_dir("other", "1.0");
    mark(staging, dead_marker());
    fs::create_directory_symlink(outside / "precious-1.0", staging / "link");
    install::recover_home(layout, home.output);
    CHECK_FALSE(fs::exists(staging));
    CHECK(test::read_text(outside / "precious-1.0" / "data") == "keep\n");
  }
  SUBCASE("a symlinked tools/: nothing is deleted through it") {
    fs::path outside = test::fresh_dir("recovery-outside");
    fs::rename(layout.tools(), outside / "tools");
    fs::create_directory_symlink(outside / "tools", layout.tools());
    test::write_text(outside / "tools" / "precious-1.0" / "data", "keep\n");
    mark(outside / "tools" / ".other-1.0.staging", dead_marker());
    mark(outside / "tools" / "other-1.0", dead_marker());
    install::recover_home(layout, home.output);
    CHECK(test::read_text(outside / "tools" / "precious-1.0" / "data") == "keep\n");
    CHECK(fs::exists(outside / "tools" / ".other-1.0.staging"));
    CHECK(fs::exists(outside / "tools" / "other-1.0"));
    CHECK(home.said().find("is a symlink") != std::string::npos);
    CHECK(home.said().find("nothing was cleaned up") != std::string::npos);
    CHECK(reported(layout, layout.tools(), "symlink"));
    auto refused = install::ensure_layout(layout);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("make " + layout.root.string() + " itself a symlink") != std::string::npos);
  }
}

TEST_CASE("recover_home gives a missing command to its owner") {
  install::Layout layout{test::fresh_dir("owner-home")};
  std::ostringstream messages;
  util::Output output;
  output.err = &messages;
  REQUIRE(install::ensure_layout(layout));
  // alpha and beta both provide `hello`; beta was installed later and owns it.
  REQUIRE(install::update_state(layout, [&](install::State& state) -> Status {
    for (const auto& [name, at] : {std::pair{"alpha", "2026-01-01T00:00:00Z"}, {"beta", "2026-02-01T00:00:00Z"}}) {
      auto& tool = state.installed[name];
      tool.active_version = "1.0";
      tool.is_explicit = true;
      tool.versions["1.0"].binaries = {"bin/hello"};
      tool.versions["1.0"].installed_at = at;
      test::write_text(layout.tool_dir(name, "1.0") / "bin" / "hello", name);
    }
    return {};
  }));

  SUBCASE("a link lost to a crash") {
    install::recover_home(layout, output);
    CHECK(fs::read_symlink(layout.bin() / "hello") == layout.tool_dir("beta", "1.0") / "bin" / "hello");
  }
  SUBCASE("a link into a directory recovery deletes") {
    fs::path stray = layout.tool_dir("gamma", "1.0");
    test::write_text(stray / "bin" / "hello", "gamma");
    mark(stray, dead_marker());
    REQUIRE(install::replace_symlink(layout.bin() / "hello", stray / "bin" / "hello"));
    install::recover_home(layout, output);
    CHECK_FALSE(fs::exists(stray));
    CHECK(fs::read_symlink(layout.bin() / "hello") == layout.tool_dir("beta", "1.0") / "bin" / "hello");
  }
}
