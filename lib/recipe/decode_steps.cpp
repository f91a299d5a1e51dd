// Lenient decoding of [[steps]] and their `when` clauses (docs/conditions.md, "Decoding"; docs/recipe-authoring.md).
#include <fmt/format.h>

#include "recipe/decode.hpp"

namespace tailor::recipe::detail {
namespace {

using Unexpected = tl::unexpected<DecodeError>;

// A string becomes a one-element list; non-string elements are dropped; other types leave
// the list empty.
std::vector<std::string> string_or_list(const toml::node* node) {
  std::vector<std::string> out;
  if (node == nullptr) return out;
  if (const auto* s = node->as_string()) {
    out.push_back(s->get());
  } else if (const auto* array = node->as_array()) {
    for (const auto& element : *array)
      if (const auto* e = element.as_string()) out.push_back(e->get());
  }
  return out;
}

// A string field; any other type leaves it unset.
std::string string_only(const toml::node* node) {
  if (node == nullptr) return {};
  if (const auto* s = node->as_string()) return s->get();
  return {};
}

tl::expected<WhenClause, DecodeError> decode_when(const toml::table& t) {
  WhenClause when;
  when.platform = string_or_list(t.get("platform"));
  when.os = string_or_list(t.get("os"));
  when.arch = string_only(t.get("arch"));
  when.linux_family = string_only(t.get("linux_family"));
  when.libc = string_or_list(t.get("libc"));
  when.gpu = string_or_list(t.get("gpu"));
  when.package_manager = string_only(t.get("package_manager"));
  when.backend = string_or_list(t.get("backend"));
  when.gpu_driver = string_only(t.get("gpu_driver"));
  when.gpu_compute = string_only(t.get("gpu_compute"));
  when.gfx = string_or_list(t.get("gfx"));
  if (!when.platform.empty() && !when.os.empty())
    return Unexpected(DecodeError{"when clause cannot have both 'platform' and 'os' fields", position_of(t)});
  return when;
}

bool is_reserved(std::string_view key) {
  return key == "action" || key == "phase" || key == "when" || key == "note" || key == "description" ||
         key == "dependencies" || key == "min_glibc";
}

}  // namespace

tl::expected<void, DecodeError> decode_steps(const toml::array& steps, std::vector<Step>& out) {
  out.reserve(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    const toml::node& node = *steps.get(i);
    const auto* table = node.as_table();
    if (table == nullptr) {
      return Unexpected(
          DecodeError{fmt::format("steps[{}]: expected a table, got a {}", i, node.is_array() ? "array" : "value"),
                      position_of(node)});
    }
    Step step;
    step.pos = position_of(*table);
    step.action = string_only(table->get("action"));
    step.phase = string_only(table->get("phase"));
    step.min_glibc = string_only(table->get("min_glibc"));  // validation reports other types
    if (const toml::node* when = table->get("when"); when != nullptr && when->is_table()) {
      auto decoded = decode_when(*when->as_table());
      if (!decoded) return Unexpected(decoded.error());
      step.when = std::move(*decoded);
    }
    if (const toml::node* deps = table->get("dependencies")) {
      if (deps->is_string() || deps->is_array()) step.dependencies = string_or_list(deps);
    }
    for (const auto& [key, value] : *table) {
      if (is_reserved(key.str())) continue;
      step.params[std::string(key.str())] = to_json(value);
    }
    out.push_back(std::move(step));
  }
  return {};
}

}  // namespace tailor::recipe::detail
