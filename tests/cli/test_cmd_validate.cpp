#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scratch.hpp"

using namespace tailor;
namespace fs = std::filesystem;

namespace {

const char* k_good = R"([metadata]
name = "good"
description = "A good recipe"

[version]
github_repo = "example-org/good"

[[steps]]
action = "download"
url = "https://x.example.org/{version}/good"
checksum_url = "https://x.example.org/{version}/SHA256SUMS"

[verify]
command = "good --version"
pattern = "{version}"
)";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("tailor validate") {
  fs::path dir = test::fresh_dir("validate");
  test::write_text(dir / "g" / "good.toml", k_good);
  const std::string typo = std::string(k_good).replace(std::string(k_good).find("\"download\""), 10, "\"downlod\"");
  test::write_text(dir / "bad" / "typo.toml", typo);
  test::write_text(dir / "warn" / "warn.toml", std::string(k_good) + "\n[metadata2]\nx = 1\n");

  SUBCASE("a valid file: exit 0 and a summary") {
    auto r = test::run_tailor({"validate", (dir / "g" / "good.toml").string()});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Valid recipe: good (0 errors, 0 warnings)\n");
  }
  SUBCASE("an invalid file: compiler-style diagnostic with a suggestion, exit 1") {
    const std::string path = (dir / "bad" / "typo.toml").string();
    auto r = test::run_tailor({"validate", path});
    CHECK(r.exit_code == 1);
    CHECK(r.out == path + ":9:10: error: steps[0].action: unknown action 'downlod' (did you mean 'download'?)\n" +
                       "Invalid recipe: good (1 error, 0 warnings)\n");
  }
  SUBCASE("a directory is searched recursively in sorted order") {
    auto r = test::run_tailor({"validate", dir.string()});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, "3 recipes checked: 2 valid, 1 invalid (1 error, 1 warning)\n"));
    size_t typo_at = r.out.find("typo.toml");
    size_t warn_at = r.out.find("warn.toml");
    CHECK(typo_at < warn_at);
  }
  SUBCASE("--strict makes a warning fail and reports unknown keys as errors") {
    const std::string path = (dir / "warn" / "warn.toml").string();
    CHECK(test::run_tailor({"validate", path}).exit_code == 0);
    auto r = test::run_tailor({"validate", "--strict", path});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, path + ":17:1: error: metadata2: unknown key 'metadata2' (did you mean 'metadata'?)\n"));
  }
  SUBCASE("--json for one file prints one object") {
    auto r = test::run_tailor({"validate", "--json", (dir / "bad" / "typo.toml").string()});
    CHECK(r.exit_code == 1);
    auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc.is_object());
    CHECK(doc["valid"] == false);
    CHECK(doc["errors"][0]["field"] == "steps[0].action");
    CHECK(doc["errors"][0]["line"] == 9);
    CHECK(doc["errors"][0]["column"] == 10);
    CHECK_FALSE(doc.contains("warnings"));
  }
  SUBCASE("--json for a directory prints an array") {
    auto r = test::run_tailor({"validate", "--json", dir.string()});
    auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc.is_array());
    REQUIRE(doc.size() == 3);
    CHECK(doc[0]["valid"] == false);
    CHECK(doc[1]["valid"] == true);
    CHECK(doc[2]["warnings"].size() == 1);
  }
  SUBCASE("hostile inputs give clean errors") {
    fs::path hostile = test::fresh_dir("hostile");
    test::write_text(hostile / "binary.toml", std::string("[metadata]\0\x7f", 13));
    test::write_text(hostile / "latin1.toml", "name = \"caf\xe9\"\n");
    test::write_text(hostile / "huge.toml", std::string(1024 * 1024 + 1, '#'));
    auto r = test::run_tailor({"validate", hostile.string()});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, (hostile / "binary.toml").string() + ":1:11: error: binary file (contains a NUL byte)"));
    CHECK(contains(r.out, (hostile / "huge.toml").string() + ": error: recipe is larger than 1 MiB (1048577 bytes)"));
    CHECK(
        contains(r.out, (hostile / "latin1.toml").string() + ":1:12: error: file is not valid UTF-8 (byte offset 11)"));
  }
  SUBCASE("a directory loop is an error, not a hang") {
    fs::path looped = test::fresh_dir("looped");
    test::write_text(looped / "a" / "good.toml", k_good);
    fs::create_directory_symlink(looped, looped / "a" / "up");
    auto r = test::run_tailor({"validate", looped.string()});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "directory loop: " + (looped / "a" / "up").string() + " leads back to " + looped.string()));
  }
  SUBCASE("a missing file") {
    auto r = test::run_tailor({"validate", "missing.toml"});
    CHECK(r.exit_code == 1);
    CHECK(r.out ==
          "missing.toml: error: file not found: missing.toml\nInvalid recipe: missing (1 error, 0 warnings)\n");
  }
  SUBCASE("runtime dependencies are resolved against the validated directory and the registry") {
    fs::path reg = test::fresh_dir("deps");
    test::write_text(reg / "good.toml", k_good);
    std::string needs =
        std::string(k_good).replace(std::string(k_good).find("name = \"good\""), 13,
                                    "name = \"needs\"\nruntime_dependencies = [\"good\", \"nowhere-to-be-found\"]");
    test::write_text(reg / "needs.toml", needs);
    auto r = test::run_tailor({"validate", reg.string()});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out,
                   "metadata.runtime_dependencies[1]: dependency 'nowhere-to-be-found' does not resolve to an "
                   "installable recipe"));
    CHECK_FALSE(contains(r.out, "dependency 'good'"));
  }
  SUBCASE("the project's own recipes pass --strict") {
    auto r = test::run_tailor({"validate", "--strict", (fs::path(TAILOR_SOURCE_DIR) / "recipes").string()});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, " invalid (0 errors, 0 warnings)\n"));
  }
}

TEST_CASE("tailor recipes") {
  SUBCASE("lists the embedded registry") {
    auto r = test::run_tailor({"recipes", "--json"});
    CHECK(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc.is_array());
    bool llama = false;
    for (const auto& entry : doc) llama = llama || (entry["name"] == "llama.cpp" && entry["source"] == "embedded");
    CHECK(llama);
  }
  SUBCASE("--registry recipes come first and say where they are") {
    fs::path dir = test::fresh_dir("recipes-list");
    test::write_text(dir / "g" / "good.toml", k_good);
    auto r = test::run_tailor({"recipes", "--registry", dir.string()});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "A good recipe  [" + (dir / "g" / "good.toml").string() + "]\n"));
  }
}
