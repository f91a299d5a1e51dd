// Replays every input kept in testdata/fuzz/<target>/ through the same checks the libFuzzer
// targets of tests/fuzz/ run, so the normal build guards what fuzzing once found.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "../fuzz/extract_entry.hpp"
#include "../fuzz/os_release_entry.hpp"
#include "../fuzz/plan_json_entry.hpp"
#include "../fuzz/recipe_entry.hpp"
#include "config/document.hpp"
#include "fetch/fetch_config.hpp"
#include "plan/plan_read.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor;
using namespace tailor::test;

namespace {

// Runs `check` on every file of testdata/fuzz/<target>/; returns how many there were.
size_t replay(const std::string& target, const std::function<std::string(std::string_view)>& check) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(testdata("fuzz/" + target))) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    INFO("input: ", file.string());
    CHECK(check(read_text(file)) == "");
  }
  return files.size();
}

}  // namespace

TEST_CASE("fuzz regressions: check_recipe_input") {
  CHECK(replay("recipe", [](std::string_view in) { return fuzz::check_recipe_input(in); }) > 0);
}

TEST_CASE("fuzz regressions: check_os_release_input") {
  CHECK(replay("os_release", [](std::string_view in) { return fuzz::check_os_release_input(in); }) > 0);
  // testdata/fuzz/os_release/quotes-and-escapes: escapes undone, IDs lowercased.
  auto release = platform::parse_os_release(read_text(testdata("fuzz/os_release/quotes-and-escapes")));
  CHECK(release.name == "Fuzz \"Linux\" \\ $HOME `x`");
  CHECK(release.id == "fedora");
  CHECK(release.id_like == std::vector<std::string>{"rhel", "centos", "fedora"});
  CHECK(release.version_id == "1.0");
  CHECK(release.version_codename.empty());
}

TEST_CASE("fuzz regressions: check_plan_json_input") {
  const fs::path work = fresh_dir("fuzz-plan-json");
  CHECK(replay("plan_json", [&](std::string_view in) { return fuzz::check_plan_json_input(in, work); }) > 0);

  SUBCASE("mistyped format_version, tool or version are refused, not thrown") {
    for (const char* name : {"format-version-string.json", "format-version-huge-float.json", "tool-not-string.json"}) {
      INFO(name);
      auto plan = install::read_plan_file(testdata(std::string("fuzz/plan_json/") + name).string());
      REQUIRE_FALSE(plan);
      CHECK(plan.error().kind == ErrorKind::invalid_input);
    }
  }
  SUBCASE("values of the wrong type are refused when the plan is read, not met later") {
    const fs::path file = testdata("fuzz/plan_json/steps-of-every-type.json");
    auto refused = install::read_plan_file(file.string());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("$.dependencies[0]: not a plan object") != std::string::npos);
    // With the dependency and the platform array taken out, the steps' own wrong types are
    // what is refused.
    auto doc = nlohmann::ordered_json::parse(read_text(file));
    doc.erase("dependencies");
    doc.erase("platform");
    auto typed = plan::plan_from_json(doc);
    REQUIRE_FALSE(typed);
    CHECK(typed.error().kind == ErrorKind::invalid_input);
    CHECK(typed.error().message.starts_with("$.steps[0]"));
  }
  SUBCASE("a url that is not a string (found by fuzz_plan_json)") {
    auto plan = install::read_plan_file(testdata("fuzz/plan_json/crash-step-url-not-string.json").string());
    REQUIRE(plan);
    CHECK_NOTHROW((void)install::plan_artifacts(*plan));
  }
}

TEST_CASE("fuzz regressions: check_extract_input") {
  const fs::path work = fresh_dir("fuzz-extract");
  CHECK(replay("extract", [&](std::string_view in) { return fuzz::check_extract_input(in, work); }) > 0);

  SUBCASE("a failure libarchive gives no text for (found by fuzz_extract)") {
    std::string input = read_text(testdata("fuzz/extract/crash-null-archive-error"));
    const fs::path archive = work / "in.zip";
    write_text(archive, input.substr(1));
    fs::create_directories(work / "dest");
    install::ExtractOptions options;
    options.format = "zip";
    auto report = install::extract_archive(archive, work / "dest", options);
    REQUIRE_FALSE(report);
    CHECK(report.error().kind == ErrorKind::invalid_input);
    CHECK(report.error().message.find("unknown libarchive error") != std::string::npos);
  }
}

// 150,000 dotted parts in a key (a ~300 KB file, under every size cap) crashed toml++ by stack
// overflow; each reader now refuses it before parsing (util/toml_limits.hpp) with its position.
TEST_CASE("hostile TOML: a key of 150,000 dotted parts") {
  std::string deep = "a";
  for (int i = 1; i < 150'000; ++i) deep += ".a";
  const std::string limit = "key has 150000 dotted parts; the limit is 32 parts per key";
  // Each shape and the line:col of its key.
  const std::pair<std::string, std::string> shapes[] = {
      {"[" + deep + "]\n", "1:2"}, {"[[" + deep + "]]\n", "1:3"}, {"x = 1\n" + deep + " = 1\n", "2:1"}};

  SUBCASE("recipes: validate_recipe_text, parse_recipe and load_recipe_for_planning") {
    for (const auto& [text, position] : shapes) {
      CAPTURE(position);
      auto result = recipe::validate_recipe_text(text, "hostile.toml", {});
      REQUIRE(result.errors.size() == 1);
      CHECK(fmt::format("{}:{}", result.errors[0].pos.line, result.errors[0].pos.column) == position);
      CHECK(result.errors[0].message == "TOML parse error: " + limit);
      auto parsed = recipe::parse_recipe(text, "hostile.toml");
      REQUIRE_FALSE(parsed);
      CHECK(parsed.error().kind == ErrorKind::invalid_input);
      CHECK(parsed.error().message == "hostile.toml:" + position + ": " + limit);
      auto planned = recipe::load_recipe_for_planning(text, "hostile.toml");
      REQUIRE_FALSE(planned);
      CHECK(planned.error().kind == ErrorKind::invalid_input);
      CHECK(planned.error().message == "failed to parse TOML: hostile.toml:" + position + ": " + limit);
      CHECK(fuzz::check_recipe_input(text) == "");
    }
  }
  SUBCASE("config.toml: parse_config_document") {
    const fs::path file = fresh_dir("hostile-toml") / "config.toml";
    for (const auto& [text, position] : shapes) {
      CAPTURE(position);
      write_text(file, text);
      auto document = config::parse_config_document(file);
      REQUIRE_FALSE(document);
      CHECK(document.error().kind == ErrorKind::invalid_input);
      CHECK(document.error().message == file.string() + ":" + position + ": " + limit);
    }
  }
  SUBCASE("config.toml for downloads: parse_fetch_config") {
    for (const auto& [text, position] : shapes) {
      CAPTURE(position);
      auto fetch_config = fetch::parse_fetch_config(text, "/home/config.toml");
      REQUIRE_FALSE(fetch_config);
      CHECK(fetch_config.error().kind == ErrorKind::invalid_input);
      CHECK(fetch_config.error().message == "/home/config.toml:" + position + ": " + limit);
    }
  }
}
