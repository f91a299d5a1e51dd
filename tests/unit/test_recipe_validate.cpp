#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "recipe/validate.hpp"
#include "support/scratch.hpp"

using namespace tailor::recipe;
namespace fs = std::filesystem;

namespace {

// Diagnostics of a result as "line:col: severity: field: message" (no path).
std::vector<std::string> rendered(const ValidationResult& result) {
  std::vector<std::string> out;
  auto add = [&](const Diagnostic& d, const char* severity) {
    std::string line = d.pos.line != 0 ? fmt::format("{}:{}: ", d.pos.line, d.pos.column) : "";
    line += fmt::format("{}: {}{}", severity, d.field.empty() ? "" : d.field + ": ", d.message);
    out.push_back(line);
  };
  for (const auto& d : result.errors) add(d, "error");
  for (const auto& d : result.warnings) add(d, "warning");
  return out;
}

std::vector<std::string> expectations(const std::string& text) {
  std::vector<std::string> out;
  const std::string marker = "# expect: ";
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (line.starts_with(marker)) out.push_back(line.substr(marker.size()));
    start = end + 1;
  }
  return out;
}

std::vector<fs::path> toml_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

const char* k_valid = R"([metadata]
name = "ok"
description = "fine"

[version]
github_repo = "example-org/ok"

[[steps]]
action = "download"
url = "https://x.example.org/{version}/ok"
checksum_url = "https://x.example.org/{version}/SHA256SUMS"

[verify]
command = "ok --version"
pattern = "{version}"
)";

}  // namespace

TEST_CASE("validate_recipe_text") {
  SUBCASE("every broken fixture yields exactly its expected diagnostics") {
    auto files = toml_files(tailor::test::testdata("recipes/broken"));
    CHECK(files.size() >= 30);
    for (const fs::path& file : files) {
      CAPTURE(file.filename().string());
      const std::string text = tailor::test::read_text(file);
      auto expected = expectations(text);
      REQUIRE_FALSE(expected.empty());
      auto result = validate_recipe_text(text, file.string(), ValidateOptions{});
      CHECK(rendered(result) == expected);
      CHECK_FALSE(ValidateOptions{}.strict);
      CHECK(result.valid == result.errors.empty());
    }
  }
  SUBCASE("every valid fixture passes strict validation without warnings") {
    auto files = toml_files(tailor::test::testdata("recipes/valid"));
    CHECK(files.size() >= 5);
    for (const fs::path& file : files) {
      CAPTURE(file.filename().string());
      auto result = validate_recipe_text(tailor::test::read_text(file), file.string(), ValidateOptions{true});
      CHECK(rendered(result) == std::vector<std::string>{});
      CHECK(result.valid);
    }
  }
  SUBCASE("strict makes warnings count and turns unknown keys into errors") {
    std::string text = std::string(k_valid) + "\n[metadata2]\nx = 1\n";
    auto lax = validate_recipe_text(text, "r.toml", ValidateOptions{});
    CHECK(lax.valid);
    REQUIRE(lax.warnings.size() == 1);
    CHECK(lax.warnings[0].message == "unknown key 'metadata2' (did you mean 'metadata'?)");
    auto strict = validate_recipe_text(text, "r.toml", ValidateOptions{true});
    CHECK_FALSE(strict.valid);
    REQUIRE(strict.errors.size() == 1);
    CHECK(strict.errors[0].pos == SourcePos{17, 1});
  }
  SUBCASE("binary input is refused cleanly") {
    std::string text = std::string(k_valid) + std::string("\0\x01", 2);
    auto result = validate_recipe_text(text, "bin.toml", ValidateOptions{});
    CHECK_FALSE(result.valid);
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].message == "binary file (contains a NUL byte); a recipe must be UTF-8 text");
    CHECK_FALSE(result.recipe.has_value());
  }
  SUBCASE("non-UTF-8 input is refused with its position") {
    auto result = validate_recipe_text("[metadata]\nname = \"caf\xe9\"\n", "latin1.toml", ValidateOptions{});
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].message == "file is not valid UTF-8 (byte offset 22); recipes must be UTF-8 text");
    CHECK(result.errors[0].pos == SourcePos{2, 12});
  }
  SUBCASE("overlong encodings and surrogates are not UTF-8") {
    CHECK_FALSE(validate_recipe_text("# \xc0\xaf\n", "a.toml", ValidateOptions{}).valid);
    CHECK_FALSE(validate_recipe_text("# \xed\xa0\x80\n", "a.toml", ValidateOptions{}).valid);
    CHECK(validate_recipe_text(std::string(k_valid) + "# caf\xc3\xa9 \xf0\x9f\x99\x82\n", "a.toml", ValidateOptions{})
              .valid);
  }
  SUBCASE("oversized input is refused before parsing") {
    std::string text(1024 * 1024 + 10, '#');
    auto result = validate_recipe_text(text, "big.toml", ValidateOptions{});
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].message == "recipe is larger than 1 MiB (1048586 bytes); refusing to parse it");
  }
  SUBCASE("libc coverage is only checked on request") {
    std::string library =
        "[metadata]\nname = \"l\"\ndescription = \"d\"\ntype = \"library\"\n"
        "[[steps]]\naction = \"apt_install\"\npackages = [\"l\"]\nwhen = { libc = [\"glibc\"] }\n";
    CHECK(validate_recipe_text(library, "l.toml", ValidateOptions{}).valid);
    auto checked = validate_recipe_text(library, "l.toml", ValidateOptions{false, true});
    REQUIRE(checked.errors.size() == 1);
    CHECK(checked.errors[0].field == "coverage");
  }
}

TEST_CASE("validate_recipe_file") {
  SUBCASE("a missing file") {
    auto result = validate_recipe_file("nope.toml", ValidateOptions{});
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].message == "file not found: nope.toml");
  }
  SUBCASE("an oversized file is refused by its size") {
    fs::path dir = tailor::test::fresh_dir("oversized");
    tailor::test::write_text(dir / "big.toml", std::string(2 * 1024 * 1024, '#'));
    auto result = validate_recipe_file(dir / "big.toml", ValidateOptions{});
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].message == "recipe is larger than 1 MiB (2097152 bytes); refusing to parse it");
  }
}

TEST_CASE("collect_recipe_files") {
  fs::path root = tailor::test::fresh_dir("collect");
  tailor::test::write_text(root / "b" / "z.toml", "");
  tailor::test::write_text(root / "a.toml", "");
  tailor::test::write_text(root / "b" / "a.toml", "");
  tailor::test::write_text(root / "notes.txt", "");
  SUBCASE("recursive, sorted, only *.toml") {
    auto files = collect_recipe_files({root});
    REQUIRE(files.has_value());
    CHECK(*files == std::vector<fs::path>{root / "a.toml", root / "b" / "a.toml", root / "b" / "z.toml"});
  }
  SUBCASE("a symbolic link back to an ancestor is a loop error") {
    fs::create_directory_symlink(root, root / "b" / "loop");
    auto files = collect_recipe_files({root});
    REQUIRE_FALSE(files.has_value());
    CHECK(files.error().message ==
          fmt::format("directory loop: {} leads back to {}", (root / "b" / "loop").string(), root.string()));
  }
  SUBCASE("a directory linked twice side by side is read once") {
    fs::create_directory_symlink(root / "b", root / "c");
    auto files = collect_recipe_files({root});
    REQUIRE(files.has_value());
    CHECK(files->size() == 3);
  }
}

TEST_CASE("suggest_name") {
  std::vector<std::string> names{"download", "download_archive", "github_archive", "extract"};
  CHECK(suggest_name("downlod", names) == "download");
  CHECK(suggest_name("DOWNLOAD_ARCHIV", names) == "download_archive");
  CHECK(suggest_name("github", names) == "github_archive");
  CHECK(suggest_name("extractor", names) == "extract");
  CHECK_FALSE(suggest_name("frobnicate", names).has_value());
}

TEST_CASE("validation_to_json") {
  auto result = validate_recipe_text("[metadata]\nname = \"a b\"\n", "r.toml", ValidateOptions{});
  auto json = validation_to_json(result);
  CHECK(json["valid"] == false);
  CHECK(json["recipe"]["name"] == "a b");
  CHECK(json["errors"][0]["field"] == "metadata.name");
  CHECK(json["errors"][0]["line"] == 2);
  CHECK(json["errors"][0]["column"] == 8);
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"valid", "recipe", "errors", "warnings", "path"});
}
