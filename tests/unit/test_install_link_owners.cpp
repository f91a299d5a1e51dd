#include <doctest/doctest.h>

#include "install/link_owners.hpp"
#include "install/links.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor;
using namespace tailor::install;

namespace {

void add(State& state, const std::string& name, const std::string& version, const std::string& installed_at,
         std::vector<std::string> binaries, bool hidden = false) {
  auto& tool = state.installed[name];
  tool.active_version = version;
  tool.is_hidden = hidden;
  tool.versions[version].installed_at = installed_at;
  tool.versions[version].binaries = std::move(binaries);
}

std::vector<std::string> names(const std::vector<CommandOwner>& owners) {
  std::vector<std::string> out;
  for (const auto& o : owners) out.push_back(o.tool + "@" + o.version);
  return out;
}

}  // namespace

TEST_CASE("command_providers") {
  State state;
  add(state, "alpha", "1.0", "2026-01-01T10:00:00Z", {"bin/hello"});
  add(state, "beta", "2.0", "2026-01-02T10:00:00Z", {"bin/hello", "bin/beta"});
  add(state, "gamma", "3.0", "2026-01-02T10:00:00Z", {"libexec/hello"});
  add(state, "hidden", "4.0", "2026-01-03T10:00:00Z", {"bin/hello"}, true);
  add(state, "other", "5.0", "2026-01-04T10:00:00Z", {"bin/other"});

  SUBCASE("newest first; equal times in name order; hidden tools and other commands left out") {
    CHECK(names(command_providers(state, "hello")) == std::vector<std::string>{"beta@2.0", "gamma@3.0", "alpha@1.0"});
    CHECK(command_owner(state, "hello")->binary == "bin/hello");
    CHECK(command_owner(state, "hello")->tool == "beta");
    CHECK_FALSE(command_owner(state, "nothing"));
  }
  SUBCASE("only the active version counts") {
    state.installed["beta"].versions["1.0"].binaries = {"bin/hello"};
    state.installed["beta"].versions["1.0"].installed_at = "2026-02-01T00:00:00Z";
    CHECK(command_owner(state, "hello")->version == "2.0");
  }
}

TEST_CASE("relink_to_owners and command_link_problems") {
  Layout layout{test::fresh_dir("links-home")};
  REQUIRE(ensure_layout(layout));
  State state;
  add(state, "alpha", "1.0", "2026-01-01T10:00:00Z", {"bin/hello"});
  add(state, "beta", "2.0", "2026-01-02T10:00:00Z", {"bin/hello"});
  fs::path alpha = layout.tool_dir("alpha", "1.0") / "bin" / "hello";
  fs::path beta = layout.tool_dir("beta", "2.0") / "bin" / "hello";

  SUBCASE("a missing link goes to the owner; an existing one is left alone") {
    CHECK(relink_to_owners(layout, state, {"hello", "gone"}) == std::vector<std::string>{"hello -> beta@2.0"});
    CHECK(fs::read_symlink(layout.bin() / "hello") == beta);
    REQUIRE(replace_symlink(layout.bin() / "hello", alpha));
    CHECK(relink_to_owners(layout, state, {"hello"}).empty());
    CHECK(fs::read_symlink(layout.bin() / "hello") == alpha);
  }
  SUBCASE("a link to any provider is fine; missing or foreign ones are problems, once per command") {
    auto missing = command_link_problems(layout, state, "");
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].find("is missing") != std::string::npos);
    REQUIRE(replace_symlink(layout.bin() / "hello", alpha));
    CHECK(command_link_problems(layout, state, "").empty());
    CHECK(command_link_problems(layout, state, "beta").empty());
    REQUIRE(replace_symlink(layout.bin() / "hello", layout.tool_dir("alpha", "0.9") / "bin" / "hello"));
    auto foreign = command_link_problems(layout, state, "alpha");
    REQUIRE(foreign.size() == 1);
    CHECK(foreign[0].find("which no installed tool provides") != std::string::npos);
  }
  SUBCASE("hidden dependencies have no links to check") {
    state.installed["alpha"].is_hidden = true;
    state.installed["beta"].is_hidden = true;
    CHECK(command_link_problems(layout, state, "alpha").empty());
  }
}
