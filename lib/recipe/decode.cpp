#include "recipe/decode.hpp"

#include <sstream>

#include <fmt/format.h>

#include "util/toml_limits.hpp"

namespace tailor::recipe::detail {
namespace {

using Unexpected = tl::unexpected<DecodeError>;

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
  case toml::node_type::table: return "table";
  case toml::node_type::array: return "array";
  case toml::node_type::string: return "string";
  case toml::node_type::integer: return "integer";
  case toml::node_type::floating_point: return "float";
  case toml::node_type::boolean: return "boolean";
  case toml::node_type::date: return "date";
  case toml::node_type::time: return "time";
  case toml::node_type::date_time: return "datetime";
  default: return "nothing";
  }
}

Unexpected wrong_type(std::string_view key, const toml::node& node, std::string_view expected) {
  return Unexpected(
      DecodeError{fmt::format("{}: expected {}, got {}", key, expected, type_name(node)), position_of(node)});
}

// Typed fields: absent keeps the target, wrong type fails (docs/recipe-authoring.md, "Decoding rules worth knowing").
struct Fields {
  const toml::table& table;
  std::string prefix;  // "metadata", "verify.additional[0]", ...

  std::string key_path(std::string_view key) const {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  }

  tl::expected<void, DecodeError> str(std::string_view key, std::string& out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return {};
    if (const auto* v = node->as_string()) {
      out = v->get();
      return {};
    }
    return wrong_type(key_path(key), *node, "a string");
  }
  tl::expected<void, DecodeError> boolean(std::string_view key, bool& out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return {};
    if (const auto* v = node->as_boolean()) {
      out = v->get();
      return {};
    }
    return wrong_type(key_path(key), *node, "a boolean");
  }
  tl::expected<void, DecodeError> integer(std::string_view key, int64_t& out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return {};
    if (const auto* v = node->as_integer()) {
      out = v->get();
      return {};
    }
    return wrong_type(key_path(key), *node, "an integer");
  }
  tl::expected<void, DecodeError> optional_integer(std::string_view key, std::optional<int64_t>& out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return {};
    int64_t value = 0;
    auto ok = integer(key, value);
    if (!ok) return ok;
    out = value;
    return {};
  }
  tl::expected<void, DecodeError> strings(std::string_view key, std::optional<std::vector<std::string>>& out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return {};
    const auto* array = node->as_array();
    if (array == nullptr) return wrong_type(key_path(key), *node, "an array of strings");
    std::vector<std::string> values;
    values.reserve(array->size());
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const auto* s = element.as_string();
      if (s == nullptr) return wrong_type(fmt::format("{}[{}]", key_path(key), i), element, "a string");
      values.push_back(s->get());
    }
    out = std::move(values);
    return {};
  }
  tl::expected<void, DecodeError> strings(std::string_view key, std::vector<std::string>& out) const {
    std::optional<std::vector<std::string>> values;
    auto ok = strings(key, values);
    if (!ok) return ok;
    if (values) out = std::move(*values);
    return {};
  }
};

#define TAILOR_TRY(expr)                                                                 \
  do {                                                                                   \
    if (auto tailor_try_ = (expr); !tailor_try_) return Unexpected(tailor_try_.error()); \
  } while (false)

// A sub-table: absent gives nullptr, a non-table is fatal.
tl::expected<const toml::table*, DecodeError> sub_table(const toml::table& parent, std::string_view key,
                                                        std::string_view path) {
  const toml::node* node = parent.get(key);
  if (node == nullptr) return nullptr;
  if (const auto* t = node->as_table()) return t;
  return wrong_type(path, *node, "a table");
}

// An array of tables: absent gives nullptr; a non-array or a non-table element is fatal.
tl::expected<const toml::array*, DecodeError> table_array(const toml::table& parent, std::string_view key,
                                                          std::string_view path) {
  const toml::node* node = parent.get(key);
  if (node == nullptr) return nullptr;
  const auto* array = node->as_array();
  if (array == nullptr) return wrong_type(path, *node, "an array of tables");
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (!element.is_table()) return wrong_type(fmt::format("{}[{}]", path, i), element, "a table");
  }
  return array;
}

tl::expected<void, DecodeError> decode_metadata(const toml::table& t, Metadata& m) {
  Fields f{t, "metadata"};
  TAILOR_TRY(f.str("name", m.name));
  TAILOR_TRY(f.str("description", m.description));
  TAILOR_TRY(f.str("homepage", m.homepage));
  TAILOR_TRY(f.str("version_format", m.version_format));
  TAILOR_TRY(f.boolean("requires_sudo", m.requires_sudo));
  TAILOR_TRY(f.strings("dependencies", m.dependencies));
  TAILOR_TRY(f.strings("runtime_dependencies", m.runtime_dependencies));
  TAILOR_TRY(f.strings("extra_dependencies", m.extra_dependencies));
  TAILOR_TRY(f.strings("extra_runtime_dependencies", m.extra_runtime_dependencies));
  TAILOR_TRY(f.integer("tier", m.tier));
  TAILOR_TRY(f.str("type", m.type));
  TAILOR_TRY(f.str("llm_validation", m.llm_validation));
  TAILOR_TRY(f.boolean("curated", m.curated));
  TAILOR_TRY(f.strings("binaries", m.binaries));
  TAILOR_TRY(f.strings("supported_os", m.supported_os));
  TAILOR_TRY(f.strings("supported_arch", m.supported_arch));
  TAILOR_TRY(f.strings("supported_libc", m.supported_libc));
  TAILOR_TRY(f.strings("unsupported_platforms", m.unsupported_platforms));
  TAILOR_TRY(f.str("unsupported_reason", m.unsupported_reason));
  auto satisfies = sub_table(t, "satisfies", "metadata.satisfies");
  if (!satisfies) return Unexpected(satisfies.error());
  if (*satisfies != nullptr) {
    Fields sf{**satisfies, "metadata.satisfies"};
    for (const auto& [key, node] : **satisfies) {
      (void)node;
      std::vector<std::string> names;
      TAILOR_TRY(sf.strings(key.str(), names));
      m.satisfies[std::string(key.str())] = std::move(names);
    }
  }
  return {};
}

tl::expected<void, DecodeError> decode_version(const toml::table& t, VersionSection& v) {
  Fields f{t, "version"};
  TAILOR_TRY(f.str("source", v.source));
  TAILOR_TRY(f.str("github_repo", v.github_repo));
  TAILOR_TRY(f.str("tag_prefix", v.tag_prefix));
  TAILOR_TRY(f.str("module", v.module));
  TAILOR_TRY(f.str("formula", v.formula));
  TAILOR_TRY(f.str("cask", v.cask));
  TAILOR_TRY(f.str("tap", v.tap));
  TAILOR_TRY(f.str("fossil_repo", v.fossil_repo));
  TAILOR_TRY(f.str("project_name", v.project_name));
  TAILOR_TRY(f.str("version_separator", v.version_separator));
  TAILOR_TRY(f.str("timeline_tag", v.timeline_tag));
  TAILOR_TRY(f.str("url", v.url));
  TAILOR_TRY(f.str("version_path", v.version_path));
  TAILOR_TRY(f.str("min_version", v.min_version));
  TAILOR_TRY(f.strings("stable_qualifiers", v.stable_qualifiers));
  return {};
}

tl::expected<void, DecodeError> decode_verify(const toml::table& t, Verify& v) {
  Fields f{t, "verify"};
  TAILOR_TRY(f.str("command", v.command));
  TAILOR_TRY(f.str("pattern", v.pattern));
  TAILOR_TRY(f.strings("patterns", v.patterns));
  TAILOR_TRY(f.str("mode", v.mode));
  TAILOR_TRY(f.str("version_format", v.version_format));
  TAILOR_TRY(f.str("reason", v.reason));
  TAILOR_TRY(f.optional_integer("exit_code", v.exit_code));
  auto additional = table_array(t, "additional", "verify.additional");
  if (!additional) return Unexpected(additional.error());
  if (*additional != nullptr) {
    for (size_t i = 0; i < (*additional)->size(); ++i) {
      Fields af{*(*additional)->get(i)->as_table(), fmt::format("verify.additional[{}]", i)};
      VerifyAdditional entry;
      TAILOR_TRY(af.str("command", entry.command));
      TAILOR_TRY(af.str("pattern", entry.pattern));
      v.additional.push_back(std::move(entry));
    }
  }
  auto backend = sub_table(t, "backend", "verify.backend");
  if (!backend) return Unexpected(backend.error());
  if (*backend != nullptr) {
    Fields bf{**backend, "verify.backend"};
    BackendCheck check;
    TAILOR_TRY(bf.str("command", check.command));
    TAILOR_TRY(bf.str("pattern", check.pattern));
    TAILOR_TRY(bf.integer("timeout", check.timeout));
    v.backend = std::move(check);
  }
  return {};
}

}  // namespace

SourcePos position_of(const toml::node& node) {
  const auto& begin = node.source().begin;
  return SourcePos{begin.line, begin.column};
}

std::string format_located(std::string_view path, SourcePos pos, std::string_view detail) {
  if (pos.line == 0) return fmt::format("{}: {}", path, detail);
  return fmt::format("{}:{}:{}: {}", path, pos.line, pos.column, detail);
}

nlohmann::json to_json(const toml::node& node) {
  switch (node.type()) {
  case toml::node_type::string: return node.as_string()->get();
  case toml::node_type::integer: return nlohmann::json(static_cast<int64_t>(node.as_integer()->get()));
  case toml::node_type::floating_point: return nlohmann::json(node.as_floating_point()->get());
  case toml::node_type::boolean: return nlohmann::json(node.as_boolean()->get());
  case toml::node_type::date:
  case toml::node_type::time:
  case toml::node_type::date_time: {
    std::ostringstream text;
    node.visit([&text](const auto& value) {
      if constexpr (toml::is_date<decltype(value)> || toml::is_time<decltype(value)> ||
                    toml::is_date_time<decltype(value)>)
        text << value;
    });
    return text.str();
  }
  case toml::node_type::array: {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : *node.as_array()) out.push_back(to_json(element));
    return out;
  }
  case toml::node_type::table: {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : *node.as_table()) out[std::string(key.str())] = to_json(value);
    return out;
  }
  default: return nullptr;
  }
}

tl::expected<toml::table, DecodeError> parse_toml(std::string_view text, std::string_view path) {
  if (auto exceeded = util::check_toml_limits(text)) {
    const SourcePos pos{static_cast<uint32_t>(exceeded->line), static_cast<uint32_t>(exceeded->column)};
    return Unexpected(DecodeError{std::move(exceeded->message), pos, ErrorKind::invalid_input});
  }
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return Unexpected(DecodeError{std::string(e.description()), SourcePos{begin.line, begin.column}});
  }
}

// Step decoding lives in decode_steps.cpp.
tl::expected<void, DecodeError> decode_steps(const toml::array& steps, std::vector<Step>& out);

tl::expected<Recipe, DecodeError> decode_recipe(const toml::table& root) {
  Recipe recipe;
  auto metadata = sub_table(root, "metadata", "metadata");
  if (!metadata) return Unexpected(metadata.error());
  if (*metadata != nullptr) TAILOR_TRY(decode_metadata(**metadata, recipe.metadata));

  auto version = sub_table(root, "version", "version");
  if (!version) return Unexpected(version.error());
  if (*version != nullptr) TAILOR_TRY(decode_version(**version, recipe.version));

  if (const toml::node* steps = root.get("steps")) {
    const auto* array = steps->as_array();
    if (array == nullptr) return wrong_type("steps", *steps, "an array of tables");
    TAILOR_TRY(decode_steps(*array, recipe.steps));
  }

  auto verify = sub_table(root, "verify", "verify");
  if (!verify) return Unexpected(verify.error());
  if (*verify != nullptr) TAILOR_TRY(decode_verify(**verify, recipe.verify));

  auto patches = table_array(root, "patches", "patches");
  if (!patches) return Unexpected(patches.error());
  if (*patches != nullptr) {
    for (size_t i = 0; i < (*patches)->size(); ++i) {
      Fields pf{*(*patches)->get(i)->as_table(), fmt::format("patches[{}]", i)};
      Patch patch;
      TAILOR_TRY(pf.str("url", patch.url));
      TAILOR_TRY(pf.str("data", patch.data));
      TAILOR_TRY(pf.str("checksum", patch.checksum));
      TAILOR_TRY(pf.integer("strip", patch.strip));
      TAILOR_TRY(pf.str("subdir", patch.subdir));
      recipe.patches.push_back(std::move(patch));
    }
  }

  auto resources = table_array(root, "resources", "resources");
  if (!resources) return Unexpected(resources.error());
  if (*resources != nullptr) {
    for (size_t i = 0; i < (*resources)->size(); ++i) {
      Fields rf{*(*resources)->get(i)->as_table(), fmt::format("resources[{}]", i)};
      Resource resource;
      TAILOR_TRY(rf.str("name", resource.name));
      TAILOR_TRY(rf.str("url", resource.url));
      TAILOR_TRY(rf.str("checksum", resource.checksum));
      TAILOR_TRY(rf.str("dest", resource.dest));
      recipe.resources.push_back(std::move(resource));
    }
  }
  return recipe;
}

#undef TAILOR_TRY

}  // namespace tailor::recipe::detail
