#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "install/operation_marker.hpp"
#include "install/receipt.hpp"
#include "install/state_rebuild.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor;

namespace {

// tools/<tool>-<version> with bin/<tool> and a receipt holding its install record.
void installed(const install::Layout& layout, const std::string& tool, const std::string& version,
               const std::string& installed_at, bool is_explicit, std::vector<std::string> deps = {}) {
  fs::path dir = layout.tool_dir(tool, version);
  tailor::test::write_text(dir / "bin" / tool, "#!/bin/sh\necho " + tool + "\n");
  install::InstalledVersion record;
  record.requested = version;
  record.binaries = {"bin/" + tool};
  record.binary_checksums = {{"bin/" + tool, "00"}};
  record.installed_at = installed_at;
  record.plan = {{"tool", tool}, {"version", version}};
  install::InstalledTool entry;
  entry.is_explicit = is_explicit;
  entry.install_dependencies = std::move(deps);
  entry.source = "plan";
  REQUIRE(install::merge_receipt(dir, install::install_record(tool, version, record, entry)));
}

std::string reason_for(const install::StateRebuild& rebuild, const std::string& dir_name) {
  for (const auto& dir : rebuild.unrecorded) {
    if (dir.dir.filename() == dir_name) return dir.reason;
  }
  return "(recorded)";
}

}  // namespace

TEST_CASE("state_from_receipts") {
  install::Layout layout{tailor::test::fresh_dir("rebuild-home")};
  REQUIRE(install::ensure_layout(layout));

  SUBCASE("versions, active version, dependencies and hidden tools come back") {
    installed(layout, "hello", "1.0.0", "2026-01-01T00:00:00Z", true, {"dep"});
    installed(layout, "hello", "2.0.0", "2026-02-01T00:00:00Z", true, {"dep"});
    installed(layout, "dep", "3.0", "2026-01-01T00:00:00Z", false);
    auto rebuild = install::state_from_receipts(layout);
    CHECK(rebuild.unrecorded.empty());
    const auto& hello = rebuild.state.installed.at("hello");
    CHECK(hello.versions.size() == 2);
    CHECK(hello.active_version == "2.0.0");  // the most recent install
    CHECK(hello.is_explicit);
    CHECK_FALSE(hello.is_hidden);
    CHECK(hello.versions.at("1.0.0").binary_checksums.at("bin/hello") == "00");
    CHECK(hello.versions.at("2.0.0").plan["tool"] == "hello");
    const auto& dep = rebuild.state.installed.at("dep");
    CHECK(dep.is_hidden);
    CHECK(dep.required_by == std::vector<std::string>{"hello"});

    SUBCASE("a bin/ link into an older version makes that one active") {
      fs::create_symlink(layout.tool_dir("hello", "1.0.0") / "bin" / "hello", layout.bin() / "hello");
      CHECK(install::state_from_receipts(layout).state.installed.at("hello").active_version == "1.0.0");
    }
  }
  SUBCASE("directories without an install record are reported and left alone") {
    installed(layout, "hello", "1.0.0", "2026-01-01T00:00:00Z", true);
    tailor::test::write_text(layout.tools() / "manual-2.0" / "bin" / "manual", "x");
    tailor::test::write_text(layout.tools() / "gpu-1.0" / ".tailor" / "receipt.json",
                             R"({"tool": "gpu", "version": "1.0", "backend": "cpu"})");
    tailor::test::write_text(layout.tools() / "bad-1.0" / ".tailor" / "receipt.json",
                             R"({"tool": "bad", "version": "1.0", "installed_at": "x", "binaries": 3,
                                 "binary_checksums": {}})");
    tailor::test::write_text(layout.tools() / "moved-1.0" / ".tailor" / "receipt.json",
                             tailor::test::read_text(install::receipt_path(layout.tool_dir("hello", "1.0.0"))));
    tailor::test::write_text(layout.tools() / ".hello-1.0.0.staging" / "x", "staged");
    auto rebuild = install::state_from_receipts(layout);
    CHECK(rebuild.state.installed.size() == 1);
    CHECK(rebuild.unrecorded.size() == 4);
    CHECK(reason_for(rebuild, "manual-2.0") == "no install receipt (.tailor/receipt.json)");
    CHECK(reason_for(rebuild, "gpu-1.0").find("has no install record") != std::string::npos);
    CHECK(reason_for(rebuild, "bad-1.0").find("\"binaries\" must be an array, not number") != std::string::npos);
    CHECK(reason_for(rebuild, "moved-1.0").find("records hello@1.0.0, which does not live in this directory") !=
          std::string::npos);
    CHECK(fs::exists(layout.tools() / "manual-2.0" / "bin" / "manual"));
    CHECK(fs::exists(layout.tools() / ".hello-1.0.0.staging" / "x"));
  }
  SUBCASE("a build a dead install or remove marked is not recorded again") {
    installed(layout, "hello", "1.0.0", "2026-01-01T00:00:00Z", true);
    installed(layout, "hello", "2.0.0", "2026-02-01T00:00:00Z", true);
    installed(layout, "world", "1.0.0", "2026-02-01T00:00:00Z", true);
    installed(layout, "kept", "1.0.0", "2026-02-01T00:00:00Z", true);
    // This process's pid and boot with a start time the kernel never gave it: a process that is gone.
    auto dead = [](std::string_view kind, const std::string& tool) {
      install::OperationMarker marker = install::make_marker(kind, tool, "1.0.0");
      marker.operation = "0123456789abcdef0123456789abcdef";
      marker.process.start_time += 1;
      return marker;
    };
    REQUIRE(install::write_marker(layout.tool_dir("hello", "2.0.0"), dead(install::k_marker_staging, "hello")));
    REQUIRE(install::write_marker(layout.tool_dir("world", "1.0.0"), dead(install::k_marker_removing, "world")));
    // Moved aside by a reinstall that died before the move: still the installed build.
    REQUIRE(install::write_marker(layout.tool_dir("kept", "1.0.0"), dead(install::k_marker_previous, "kept")));
    auto rebuild = install::state_from_receipts(layout);
    CHECK(rebuild.state.installed.at("hello").versions.size() == 1);
    CHECK(rebuild.state.installed.at("hello").active_version == "1.0.0");
    CHECK_FALSE(rebuild.state.installed.contains("world"));
    CHECK(rebuild.state.installed.contains("kept"));
    CHECK(reason_for(rebuild, "hello-2.0.0").find("left by a tailor install that did not finish") != std::string::npos);
    CHECK(reason_for(rebuild, "world-1.0.0").find("left by a tailor remove that did not finish") != std::string::npos);
    CHECK(fs::exists(layout.tool_dir("world", "1.0.0")));  // rebuild deletes nothing
  }
  SUBCASE("an empty home gives an empty state") {
    auto rebuild = install::state_from_receipts(layout);
    CHECK(rebuild.state.installed.empty());
    CHECK(rebuild.unrecorded.empty());
  }
}

TEST_CASE("rebuild_state") {
  install::Layout layout{tailor::test::fresh_dir("rebuild-write")};
  REQUIRE(install::ensure_layout(layout));
  installed(layout, "hello", "1.0.0", "2026-01-01T00:00:00Z", true);
  util::Output quiet;
  quiet.quiet = true;

  SUBCASE("a dry run writes nothing") {
    tailor::test::write_text(layout.state_file(), "{}");
    install::RebuildOptions options;
    options.dry_run = true;
    auto rebuild = install::rebuild_state(layout, options, quiet);
    REQUIRE(rebuild);
    CHECK_FALSE(rebuild->written);
    CHECK(rebuild->state.installed.contains("hello"));
    CHECK(tailor::test::read_text(layout.state_file()) == "{}");
  }
  SUBCASE("a damaged state is replaced and kept as state.json.damaged") {
    tailor::test::write_text(layout.state_file(), "{}");
    auto rebuild = install::rebuild_state(layout, {}, quiet);
    REQUIRE(rebuild);
    CHECK(rebuild->written);
    CHECK(rebuild->replaced == install::ReplacedState::damaged);
    CHECK(tailor::test::read_text(layout.state_damaged()) == "{}");
    auto state = install::read_state(layout);
    REQUIRE(state);
    CHECK(state->installed.at("hello").active_version == "1.0.0");
    auto json = install::rebuild_to_json(layout, *rebuild, false);
    CHECK(json["kept_as"] == layout.state_damaged().string());
    CHECK(json["recorded"][0]["name"] == "hello");
  }
  SUBCASE("a readable state is only replaced with force") {
    tailor::test::write_text(layout.state_file(), "{\"installed\": {}}");
    auto refused = install::rebuild_state(layout, {}, quiet);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("--force") != std::string::npos);
    CHECK(tailor::test::read_text(layout.state_file()) == "{\"installed\": {}}");
    install::RebuildOptions options;
    options.force = true;
    auto rebuild = install::rebuild_state(layout, options, quiet);
    REQUIRE(rebuild);
    CHECK(rebuild->replaced == install::ReplacedState::prev);
    CHECK(tailor::test::read_text(layout.state_prev()) == "{\"installed\": {}}");
  }
  SUBCASE("a missing state is written") {
    auto rebuild = install::rebuild_state(layout, {}, quiet);
    REQUIRE(rebuild);
    CHECK(rebuild->replaced == install::ReplacedState::none);
    CHECK(install::read_state(layout)->installed.contains("hello"));
  }
}
