// `tailor cache info|clear` against a real $TAILOR_HOME in the scratch directory.
#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scratch.hpp"

using namespace tailor;
namespace fs = std::filesystem;

namespace {

struct Home {
  fs::path dir;
  test::RunOptions options;
};

// A home with two downloads (data + meta + a temp file), one version answer and a Tier 1 entry.
Home populated_home() {
  Home home{test::fresh_dir("cache-home"), {}};
  home.options.env["TAILOR_HOME"] = home.dir.string();
  fs::path cache = home.dir / "cache";
  test::write_text(cache / "downloads/aa.data", std::string(2000, 'a'));
  test::write_text(cache / "downloads/aa.meta", "{}");
  test::write_text(cache / "downloads/bb.data", std::string(48, 'b'));
  test::write_text(cache / "downloads/bb.meta", "{}");
  test::write_text(cache / "downloads/.tmp-123", "part");
  test::write_text(cache / "api/0123.json", "{\"url\": \"x\"}");
  test::write_text(cache / "detect/tier1.json", "{}\n");
  return home;
}

nlohmann::json info_json(const Home& home) {
  auto r = test::run_tailor({"cache", "info", "--json"}, home.options);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("tailor cache") {
  Home home = populated_home();

  SUBCASE("info counts entries and bytes per cache") {
    auto doc = info_json(home);
    REQUIRE(doc["caches"].size() == 4);
    CHECK(doc["caches"][0] == nlohmann::json{{"name", "downloads"},
                                             {"paths", {(home.dir / "cache/downloads").string()}},
                                             {"size_bytes", 2000 + 2 + 48 + 2 + 4},
                                             {"entries", 2}});
    CHECK(doc["caches"][1]["name"] == "versions");
    CHECK(doc["caches"][1]["entries"] == 1);
    CHECK(doc["caches"][1]["size_bytes"] == 12);
    CHECK(doc["caches"][2]["name"] == "detect");
    CHECK(doc["caches"][2]["entries"] == 1);
    auto text = test::run_tailor({"cache", "info"}, home.options);
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("downloads     2.0 KiB       2 entries  " + (home.dir / "cache/downloads").string() + "\n") !=
          std::string::npos);
    CHECK(text.out.find("detect            3 B       1 entry    ") != std::string::npos);
  }
  SUBCASE("clear --detect empties only that cache and keeps the directory") {
    auto r = test::run_tailor({"cache", "clear", "--detect"}, home.options);
    CHECK(r.exit_code == 0);
    CHECK(r.err == "cleared detect cache: 1 entry, 3 B\n");
    CHECK(fs::is_directory(home.dir / "cache/detect"));
    CHECK(fs::is_empty(home.dir / "cache/detect"));
    auto doc = info_json(home);
    CHECK(doc["caches"][0]["entries"] == 2);
    CHECK(doc["caches"][1]["entries"] == 1);
  }
  SUBCASE("clear with no flag empties all three") {
    auto r = test::run_tailor({"cache", "clear"}, home.options);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("cleared downloads cache: 2 entries, 2.0 KiB\n") != std::string::npos);
    const nlohmann::json after = info_json(home);  // the loop must not iterate a temporary's member
    for (const auto& cache : after["caches"]) {
      CHECK(cache["entries"] == 0);
      CHECK(cache["size_bytes"] == 0);
    }
    CHECK_FALSE(fs::exists(home.dir / "cache/downloads/.tmp-123"));
  }
  SUBCASE("two flags clear two caches") {
    auto r = test::run_tailor({"cache", "clear", "--downloads", "--versions"}, home.options);
    CHECK(r.exit_code == 0);
    auto doc = info_json(home);
    CHECK(doc["caches"][0]["entries"] == 0);
    CHECK(doc["caches"][1]["entries"] == 0);
    CHECK(doc["caches"][2]["entries"] == 1);
  }
  SUBCASE("a symlinked cache directory is refused, its target left alone") {
    fs::path elsewhere = test::fresh_dir("elsewhere");
    test::write_text(elsewhere / "precious.json", "{}");
    fs::remove_all(home.dir / "cache/detect");
    fs::create_directory_symlink(elsewhere, home.dir / "cache/detect");
    auto r = test::run_tailor({"cache", "clear", "--detect"}, home.options);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("is a symlink; refusing to clear it") != std::string::npos);
    CHECK(fs::exists(elsewhere / "precious.json"));
  }
  SUBCASE("cache needs a subcommand") { CHECK(test::run_tailor({"cache"}, home.options).exit_code == 2); }
}
