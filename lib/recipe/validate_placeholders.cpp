// Unknown `{placeholders}` in templated fields (docs/recipe-authoring.md, "Placeholders"): a
// misspelt `{versoin}` is never expanded and would reach a URL or a verify pattern as is.
#include "recipe/validate_placeholders.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "recipe/actions.hpp"
#include "recipe/decode.hpp"
#include "recipe/validate_internal.hpp"
#include "util/strings.hpp"

namespace tailor::recipe {

const std::vector<std::string>& known_placeholders() {
  // Plan time: version, version_tag, os, arch (docs/planning.md); install time: the
  // directories and the backend device; `version.<key>` and `deps.<name>.version` are families.
  static const std::vector<std::string> k_names = {"version",     "version_tag", "os",       "arch",
                                                   "install_dir", "work_dir",    "libs_dir", "backend_device"};
  return k_names;
}

bool is_known_placeholder(std::string_view name) {
  for (const auto& known : known_placeholders())
    if (name == known) return true;
  if (name.starts_with("version.") && name.size() > 8) return true;
  return name.starts_with("deps.") && name.ends_with(".version") && name.size() > 13;
}

std::vector<FoundPlaceholder> find_placeholders(std::string_view text) {
  std::vector<FoundPlaceholder> found;
  for (size_t open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
    // `${VAR}` is the shell's and `{{name}}` tsuku's double-brace form, not a placeholder.
    if (open > 0 && (text[open - 1] == '$' || text[open - 1] == '{')) continue;
    if (open + 1 < text.size() && text[open + 1] == '{') continue;
    size_t close = text.find('}', open);
    if (close == std::string_view::npos) break;
    std::string_view name = text.substr(open + 1, close - open - 1);
    auto is_word = [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
             ch == '.' || ch == '-';
    };
    // Only identifier-like names: `{}`, `{print $1}`, `{a,b}` and `{0}` are something else.
    const char first = name.empty() ? '\0' : name.front();
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_')) continue;
    if (!std::all_of(name.begin(), name.end(), is_word)) continue;
    found.push_back({std::string(name), open});
  }
  return found;
}

namespace detail {
namespace {

// Keys whose strings are shell code or prose, where braces mean something else.
constexpr std::array<std::string_view, 6> k_free_text = {"action", "command", "script", "text", "description", "when"};

bool is_free_text(std::string_view key) {
  return std::find(k_free_text.begin(), k_free_text.end(), key) != k_free_text.end();
}

// `{shell}`: the shell a step of these actions writes for, replaced when it runs (docs/actions.md,
// "Steps that run in place").
bool takes_shell(const toml::table& step) {
  const auto action = step["action"].value<std::string>();
  if (!action) return false;
  return is_action(*action, ActionKind::install_shell_init) || is_action(*action, ActionKind::install_completions);
}

void check_string(Checker& c, const toml::node& node, const std::string& field, bool shell) {
  const std::string& text = node.as_string()->get();
  for (const auto& placeholder : find_placeholders(text)) {
    if (is_known_placeholder(placeholder.name) || (shell && placeholder.name == "shell")) continue;
    // A truncated name (`{vers}`) means the name it starts; otherwise the closest one.
    std::optional<std::string> near;
    for (const auto& known : known_placeholders())
      if (!near && placeholder.name.size() >= 3 && known.starts_with(placeholder.name)) near = known;
    if (!near) near = suggest_name(placeholder.name, known_placeholders());
    // The column of the brace itself when the string is on one line (after its opening quote).
    SourcePos pos = position_of(node);
    if (pos.line != 0 && text.find('\n') == std::string::npos)
      pos.column += static_cast<uint32_t>(placeholder.offset) + 1;
    c.error_at(field,
               fmt::format("unknown placeholder {{{}}}{}", placeholder.name,
                           near ? fmt::format(" (did you mean {{{}}}?)", *near)
                                : fmt::format(" (known: {{{}}})", util::join(known_placeholders(), "}, {"))),
               pos);
  }
}

void check_node(Checker& c, const toml::node& node, const std::string& field, bool shell = false) {
  if (node.is_string()) {
    check_string(c, node, field, shell);
  } else if (const auto* array = node.as_array()) {
    for (size_t k = 0; k < array->size(); ++k) check_node(c, *array->get(k), fmt::format("{}[{}]", field, k), shell);
  } else if (const auto* table = node.as_table()) {
    for (const auto& [key, value] : *table) {
      if (!is_free_text(key.str())) check_node(c, value, fmt::format("{}.{}", field, key.str()), shell);
    }
  }
}

}  // namespace

void check_placeholders(Checker& c) {
  if (const auto* steps = c.root()["steps"].as_array()) {
    for (size_t i = 0; i < steps->size(); ++i) {
      const auto* step = steps->get(i)->as_table();
      if (step == nullptr) continue;
      const bool shell = takes_shell(*step);
      for (const auto& [key, value] : *step) {
        if (!is_free_text(key.str())) check_node(c, value, fmt::format("steps[{}].{}", i, key.str()), shell);
      }
    }
  }
  // verify.pattern(s) get {version} and {install_dir}; the command is shell code.
  if (const auto* verify = c.root()["verify"].as_table()) {
    if (const auto* pattern = verify->get("pattern")) check_node(c, *pattern, "verify.pattern");
    if (const auto* patterns = verify->get("patterns")) check_node(c, *patterns, "verify.patterns");
  }
}

}  // namespace detail
}  // namespace tailor::recipe
