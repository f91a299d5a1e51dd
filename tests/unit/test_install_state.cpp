#include <doctest/doctest.h>

#include <functional>

#include <nlohmann/json.hpp>

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

namespace {

// state.json holding `text`, and what read_state makes of it.
Result<install::State> read_back(const install::Layout& layout, const std::string& text) {
  tailor::test::write_text(layout.state_file(), text);
  return install::read_state(layout);
}

std::string error_of(const Result<install::State>& state) { return state ? std::string() : state.error().message; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// One tool with one version, every key as tailor writes it; `tweak` changes it.
std::string one_tool(const std::function<void(nlohmann::json&)>& tweak = {}) {
  nlohmann::json state = {{"installed",
                           {{"hello",
                             {{"active_version", "1.0.0"},
                              {"is_explicit", true},
                              {"required_by", nlohmann::json::array()},
                              {"versions",
                               {{"1.0.0",
                                 {{"requested", ""},
                                  {"binaries", {"bin/hello"}},
                                  {"binary_checksums", {{"bin/hello", "ab"}}},
                                  {"installed_at", "2026-11-22T19:42:13Z"},
                                  {"plan", nlohmann::json::object()}}}}}}}}},
                          {"libs", nlohmann::json::object()}};
  if (tweak) tweak(state);
  return state.dump(2);
}

}  // namespace

TEST_CASE("read_state checks the schema") {
  install::Layout layout{tailor::test::fresh_dir("state-schema")};
  REQUIRE(install::ensure_layout(layout));
  const std::string file = layout.state_file().string();

  SUBCASE("a well-formed state reads") {
    auto state = read_back(layout, one_tool());
    REQUIRE(state);
    CHECK(state->installed.at("hello").versions.at("1.0.0").binary_checksums.at("bin/hello") == "ab");
  }
  SUBCASE("{} is refused: installed is required") {
    auto state = read_back(layout, "{}");
    REQUIRE_FALSE(state);
    CHECK(state.error().kind == ErrorKind::invalid_input);
    CHECK(contains(error_of(state), file + ": \"installed\" is missing"));
    CHECK(contains(error_of(state), "tailor state rebuild"));
    CHECK(contains(error_of(state), "tailor changed nothing"));
  }
  SUBCASE("a misspelled key is refused") {
    auto state = read_back(layout, R"({"instaled": {"hello": {}}})");
    CHECK(contains(error_of(state), "\"installed\" is missing"));
  }
  SUBCASE("installed: null is refused") {
    auto state = read_back(layout, R"({"installed": null})");
    CHECK(contains(error_of(state), "\"installed\" must be an object, not null"));
  }
  SUBCASE("an entry without versions is refused") {
    auto state = read_back(layout, one_tool([](nlohmann::json& s) { s["installed"]["hello"].erase("versions"); }));
    CHECK(contains(error_of(state), "installed.hello: \"versions\" is missing"));
  }
  SUBCASE("versions: null is refused") {
    auto state = read_back(layout, one_tool([](nlohmann::json& s) { s["installed"]["hello"]["versions"] = nullptr; }));
    CHECK(contains(error_of(state), "installed.hello: \"versions\" must be an object, not null"));
  }
  SUBCASE("wrong types are refused, each named") {
    auto state = read_back(layout, one_tool([](nlohmann::json& s) {
                             auto& hello = s["installed"]["hello"];
                             hello["is_explicit"] = "yes";
                             hello["required_by"] = {"a", 1};
                             hello["versions"]["1.0.0"]["binaries"] = "bin/hello";
                             hello["versions"]["1.0.0"]["binary_checksums"]["bin/hello"] = 5;
                           }));
    REQUIRE_FALSE(state);
    std::string message = error_of(state);
    CHECK(contains(message, "installed.hello: \"is_explicit\" must be true or false, not string"));
    CHECK(contains(message, "installed.hello: \"required_by\"[1] must be a string, not number"));
    CHECK(contains(message, "installed.hello.versions.1.0.0: \"binaries\" must be an array, not string"));
    CHECK(contains(message, "\"binary_checksums\".\"bin/hello\" must be a string, not number"));
  }
  SUBCASE("a tool entry or version that is not an object is refused") {
    CHECK(contains(error_of(read_back(layout, R"({"installed": {"hello": []}})")),
                   "installed.hello: must be an object, not array"));
    CHECK(contains(error_of(read_back(
                       layout, one_tool([](nlohmann::json& s) { s["installed"]["hello"]["versions"]["1.0.0"] = 1; }))),
                   "installed.hello.versions.1.0.0: must be an object, not number"));
  }
  SUBCASE("names and binaries that could leave their directory are refused") {
    CHECK(contains(error_of(read_back(
                       layout, one_tool([](nlohmann::json& s) { s["installed"]["../x"] = s["installed"]["hello"]; }))),
                   "invalid tool name '../x'"));
    CHECK(contains(error_of(read_back(layout, one_tool([](nlohmann::json& s) {
                                        s["installed"]["hello"]["versions"]["1.0.0"]["binaries"] = {"../../x"};
                                      }))),
                   "binary \"../../x\" must be a path inside the version directory"));
  }
  SUBCASE("optional keys may be absent or null") {
    auto state = read_back(layout, one_tool([](nlohmann::json& s) {
                             s["installed"]["hello"]["required_by"] = nullptr;  // as tsuku writes empty lists
                             s["installed"]["hello"].erase("is_explicit");
                             s.erase("libs");
                           }));
    REQUIRE(state);
    CHECK(state->installed.at("hello").required_by.empty());
  }
  SUBCASE("unknown top-level keys are kept through a write") {
    read_back(layout, one_tool([](nlohmann::json& s) { s["llm_usage"] = {{"daily_cost", 1}}; }));
    REQUIRE(install::update_state(layout, [](install::State&) -> Status { return {}; }));
    auto written = nlohmann::json::parse(tailor::test::read_text(layout.state_file()));
    CHECK(written["llm_usage"]["daily_cost"] == 1);
  }
  SUBCASE("files that already failed still fail") {
    for (const auto& text :
         std::vector<std::string>{"[]", "", "{\"installed\": {\"hel", std::string("\x00\x01\xff", 3)}) {
      auto state = read_back(layout, text);
      REQUIRE_FALSE(state);
      CHECK(state.error().kind == ErrorKind::invalid_input);
      CHECK(contains(error_of(state), file));
    }
  }
  SUBCASE("many problems are counted, not all named") {
    auto state = read_back(layout, one_tool([](nlohmann::json& s) {
                             for (int i = 0; i < 8; ++i) s["installed"]["t" + std::to_string(i)] = 1;
                           }));
    CHECK(contains(error_of(state), "(and 3 more)"));
  }
  SUBCASE("update_state refuses to change a damaged state and leaves it as it is") {
    tailor::test::write_text(layout.state_file(), "{}");
    bool called = false;
    auto st = install::update_state(layout, [&](install::State&) -> Status {
      called = true;
      return {};
    });
    CHECK_FALSE(st);
    CHECK_FALSE(called);
    CHECK(tailor::test::read_text(layout.state_file()) == "{}");
  }
}

TEST_CASE("update_state keeps the previous good copy") {
  install::Layout layout{tailor::test::fresh_dir("state-prev")};
  REQUIRE(install::ensure_layout(layout));
  auto set_active = [&](const std::string& version) {
    return install::update_state(layout, [&](install::State& s) -> Status {
      s.installed["hello"].active_version = version;
      return {};
    });
  };

  SUBCASE("the first write has nothing to keep") {
    REQUIRE(set_active("1"));
    CHECK_FALSE(fs::exists(layout.state_prev()));
  }
  SUBCASE("each write keeps the file it replaces as state.json.prev, byte for byte") {
    REQUIRE(set_active("1"));
    std::string first = tailor::test::read_text(layout.state_file());
    REQUIRE(set_active("2"));
    CHECK(tailor::test::read_text(layout.state_prev()) == first);
    CHECK_FALSE(fs::exists(layout.root / "state.json.prev.tmp"));
    auto prev = nlohmann::json::parse(tailor::test::read_text(layout.state_prev()));
    CHECK(prev["installed"]["hello"]["active_version"] == "1");
  }
  SUBCASE("a damaged state names state.json.prev as a way out, and the copy is a good state") {
    REQUIRE(set_active("1"));
    REQUIRE(set_active("2"));
    tailor::test::write_text(layout.state_file(), "{}");  // in place, as `echo '{}' >` does
    auto state = install::read_state(layout);
    REQUIRE_FALSE(state);
    CHECK(contains(state.error().message, "cp " + layout.state_prev().string()));
    fs::copy_file(layout.state_prev(), layout.state_file(), fs::copy_options::overwrite_existing);
    auto restored = install::read_state(layout);
    REQUIRE(restored);
    CHECK(restored->installed.at("hello").active_version == "1");
  }
}

TEST_CASE("replace_state") {
  install::Layout layout{tailor::test::fresh_dir("state-replace")};
  REQUIRE(install::ensure_layout(layout));
  install::State state;
  state.installed["hello"].active_version = "9";

  SUBCASE("no state.json") {
    auto replaced = install::replace_state(layout, state);
    REQUIRE(replaced);
    CHECK(*replaced == install::ReplacedState::none);
    CHECK(install::read_state(layout)->installed.at("hello").active_version == "9");
  }
  SUBCASE("a damaged one is kept as state.json.damaged and state.json.prev stays the last good copy") {
    tailor::test::write_text(layout.state_prev(), "{\"installed\": {}}\n");
    tailor::test::write_text(layout.state_file(), "{\"instaled\": {}}");
    auto replaced = install::replace_state(layout, state);
    REQUIRE(replaced);
    CHECK(*replaced == install::ReplacedState::damaged);
    CHECK(tailor::test::read_text(layout.state_damaged()) == "{\"instaled\": {}}");
    CHECK(tailor::test::read_text(layout.state_prev()) == "{\"installed\": {}}\n");
    CHECK(install::read_state(layout)->installed.at("hello").active_version == "9");
  }
  SUBCASE("a readable one becomes state.json.prev") {
    tailor::test::write_text(layout.state_file(), "{\"installed\": {}}");
    auto replaced = install::replace_state(layout, state);
    REQUIRE(replaced);
    CHECK(*replaced == install::ReplacedState::prev);
    CHECK(tailor::test::read_text(layout.state_prev()) == "{\"installed\": {}}");
  }
}
