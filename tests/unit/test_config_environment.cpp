#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "config/environment.hpp"
#include "config/keys.hpp"
#include "support/scratch.hpp"
#include "util/strings.hpp"

using namespace tailor;
using namespace tailor::config;
namespace fs = std::filesystem;

namespace {

// Sets a variable for one scope and puts back what was there.
class EnvGuard {
 public:
  EnvGuard(std::string name, const std::optional<std::string>& value) : m_name(std::move(name)) {
    if (const char* old = ::getenv(m_name.c_str())) m_old = old;
    if (value) {
      ::setenv(m_name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(m_name.c_str());
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;
  ~EnvGuard() {
    if (m_old) {
      ::setenv(m_name.c_str(), m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name.c_str());
    }
  }

 private:
  std::string m_name;
  std::optional<std::string> m_old;
};

// A heading as scripts/check-references.py compares it: no '#', no backticks, lower case.
std::string normal_heading(std::string_view line) {
  line.remove_prefix(std::min(line.find_first_not_of('#'), line.size()));
  std::string text;
  for (char c : line) {
    if (c != '`') text += c;
  }
  return util::to_lower(util::trim(text));
}

// The text below the heading `heading` of `page` up to the next heading of its level or above;
// nullopt when the page has no such heading. Lines in code fences are never headings.
std::optional<std::string> section_text(const std::string& page, std::string_view heading) {
  std::istringstream lines(page);
  std::string line;
  std::string text;
  size_t level = 0;  // of the section being read; 0 = not found yet
  bool fenced = false;
  while (std::getline(lines, line)) {
    if (line.starts_with("```")) fenced = !fenced;
    if (!fenced && line.starts_with('#')) {
      size_t depth = line.find_first_not_of('#');
      if (level != 0 && depth <= level) break;
      if (level == 0 && normal_heading(line) == normal_heading(heading)) {
        level = depth;
        continue;
      }
    }
    if (level != 0) text += line + "\n";
  }
  if (level == 0) return std::nullopt;
  return text;
}

// True when `text` has `name` as a whole word: `TAILOR_GPU` is not found in `TAILOR_GPU_DRIVER`.
bool mentions(const std::string& text, std::string_view name) {
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    size_t end = at + name.size();
    if ((at == 0 || !word_char(text[at - 1])) && (end == text.size() || !word_char(text[end]))) return true;
  }
  return false;
}

std::string page_text(std::string_view doc) {
  fs::path path = fs::path(TAILOR_SOURCE_DIR) / doc;
  return fs::is_regular_file(path) ? test::read_text(path) : "";
}

}  // namespace

TEST_CASE("environment_variables") {
  auto variables = environment_variables();
  REQUIRE_FALSE(variables.empty());

  SUBCASE("each entry is the one of its EnvVar") {
    for (size_t i = 0; i < variables.size(); ++i) {
      CHECK(static_cast<size_t>(variables[i].var) == i);
      CHECK(env_def(variables[i].var).name == variables[i].name);
    }
  }
  SUBCASE("no two variables share a name, the keys' variables included") {
    std::set<std::string_view> names;
    for (const EnvVarDef& def : variables) {
      CAPTURE(def.name);
      CHECK(names.insert(def.name).second);
    }
    for (const KeyDef& key : key_definitions()) {
      if (key.env.empty()) continue;
      CAPTURE(key.env);
      CHECK(names.insert(key.env).second);
    }
  }
  SUBCASE("each variable has a one-line description and a family its prefix") {
    for (const EnvVarDef& def : variables) {
      CAPTURE(def.name);
      CHECK_FALSE(def.description.empty());
      CHECK(def.description.find('\n') == std::string_view::npos);
      CHECK(def.name.starts_with(def.prefix));
    }
  }
  SUBCASE("each variable is named in the docs/ section the list gives") {
    for (const EnvVarDef& def : variables) {
      CAPTURE(def.name);
      CAPTURE(def.doc);
      CAPTURE(def.section);
      CHECK(def.doc.starts_with("docs/"));
      CHECK(fs::is_regular_file(fs::path(TAILOR_SOURCE_DIR) / def.doc));
      auto text = section_text(page_text(def.doc), def.section);
      REQUIRE(text);
      CHECK(mentions(*text, def.name));
    }
  }
  SUBCASE("each key's variable is named in docs/config.md, \"Keys\"") {
    auto text = section_text(page_text("docs/config.md"), "Keys");
    REQUIRE(text);
    for (const KeyDef& key : key_definitions()) {
      if (key.env.empty()) continue;
      CAPTURE(key.env);
      CHECK(mentions(*text, key.env));
    }
  }
}

TEST_CASE("env_value") {
  SUBCASE("unset, empty and set are told apart") {
    {
      EnvGuard unset("TAILOR_TEST_PAUSE_MARKER", std::nullopt);
      CHECK_FALSE(env_value(EnvVar::tailor_test_pause_marker));
    }
    {
      EnvGuard empty("TAILOR_TEST_PAUSE_MARKER", "");
      CHECK(env_value(EnvVar::tailor_test_pause_marker) == "");
    }
    EnvGuard set("TAILOR_TEST_PAUSE_MARKER", "/tmp/marker");
    CHECK(env_value(EnvVar::tailor_test_pause_marker) == "/tmp/marker");
  }
  SUBCASE("a family has no single value") { CHECK_THROWS_AS(env_value(EnvVar::tailor_secret), std::logic_error); }
  SUBCASE("a key's variable comes from the key registry") {
    const KeyDef* backend = find_key("llm.backend");
    REQUIRE(backend != nullptr);
    EnvGuard set("TAILOR_BACKEND", "vulkan");
    CHECK(env_value(*backend) == "vulkan");
    const KeyDef* secrets = find_key("secrets.github_token");
    REQUIRE(secrets != nullptr);
    CHECK_FALSE(env_value(*secrets));
  }
}

TEST_CASE("registered_env_value") {
  EnvGuard gpu("TAILOR_GPU", "amd");
  EnvGuard device("TAILOR_GPU_DEVICE", "03:00.0");
  EnvGuard secret("TAILOR_SECRET_MIRROR_TOKEN", "s3cret");
  EnvGuard vk("VK_LOADER_DEBUG", "all");

  SUBCASE("a variable of the list") { CHECK(registered_env_value("TAILOR_GPU") == "amd"); }
  SUBCASE("a key's variable") { CHECK(registered_env_value("TAILOR_GPU_DEVICE") == "03:00.0"); }
  SUBCASE("a member of a family") {
    CHECK(registered_env_value("TAILOR_SECRET_MIRROR_TOKEN") == "s3cret");
    CHECK(registered_env_value("VK_LOADER_DEBUG") == "all");
    CHECK_FALSE(registered_env_value("TAILOR_SECRET_NOT_SET_ANYWHERE"));
  }
  SUBCASE("any other name is a broken invariant") {
    CHECK_THROWS_AS(registered_env_value("TAILOR_GPUU"), std::logic_error);
    CHECK_THROWS_AS(registered_env_value("TAILOR_SECRET"), std::logic_error);
  }
}

TEST_CASE("configured_env_value") {
  EnvGuard token("MY_MIRROR_TOKEN", "t0ken");
  CHECK(configured_env_value("MY_MIRROR_TOKEN") == "t0ken");
  CHECK_FALSE(configured_env_value("MY_MIRROR_TOKEN_UNSET"));
}

TEST_CASE("env_family_entries") {
  EnvGuard vk("VK_TAILOR_UNIT_TEST", "1");
  auto entries = env_family_entries(EnvVar::vk_variables);
  CHECK(std::find(entries.begin(), entries.end(), "VK_TAILOR_UNIT_TEST=1") != entries.end());
  for (const std::string& entry : entries) CHECK(entry.starts_with("VK_"));
  CHECK_THROWS_AS(env_family_entries(EnvVar::path), std::logic_error);
}
