#include "install/state_json.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "util/strings.hpp"

namespace tailor::install {
using nlohmann::json;
namespace {

// At most this many problems are named in one message; the rest are counted.
constexpr size_t k_max_named_problems = 5;

std::string a_type(json::value_t type) {
  switch (type) {
  case json::value_t::object: return "an object";
  case json::value_t::array: return "an array";
  case json::value_t::string: return "a string";
  case json::value_t::boolean: return "true or false";
  default: return "a number";
  }
}

// Collects every mismatch of one document, each named by the path of the object it is in.
class Checker {
 public:
  void add(const std::string& path, const std::string& problem) {
    m_problems.push_back(path.empty() ? problem : path + ": " + problem);
  }
  bool ok() const { return m_problems.empty(); }

  // The value of `key` when it has `type`. Missing: nullptr, a problem when `required`.
  // Null counts as missing for optional keys (tsuku writes empty lists as null); a required
  // key that is null, and any key of another type, is a problem.
  const json* get(const json& object, const std::string& path, const char* key, json::value_t type, bool required) {
    auto it = object.find(key);
    if (it == object.end() || (it->is_null() && !required)) {
      if (required) add(path, fmt::format("\"{}\" is missing", key));
      return nullptr;
    }
    if (it->type() != type) {
      add(path, fmt::format("\"{}\" must be {}, not {}", key, a_type(type), it->type_name()));
      return nullptr;
    }
    return &*it;
  }

  void string(const json& object, const std::string& path, const char* key, bool required, std::string& out) {
    if (const json* value = get(object, path, key, json::value_t::string, required)) out = value->get<std::string>();
  }

  void boolean(const json& object, const std::string& path, const char* key, bool& out) {
    if (const json* value = get(object, path, key, json::value_t::boolean, false)) out = value->get<bool>();
  }

  void strings(const json& object, const std::string& path, const char* key, bool required,
               std::vector<std::string>& out) {
    const json* list = get(object, path, key, json::value_t::array, required);
    if (list == nullptr) return;
    for (size_t i = 0; i < list->size(); ++i) {
      const json& item = (*list)[i];
      if (!item.is_string()) {
        add(path, fmt::format("\"{}\"[{}] must be a string, not {}", key, i, item.type_name()));
        continue;
      }
      out.push_back(item.get<std::string>());
    }
  }

  void string_map(const json& object, const std::string& path, const char* key, bool required,
                  std::map<std::string, std::string>& out) {
    const json* map = get(object, path, key, json::value_t::object, required);
    if (map == nullptr) return;
    for (const auto& [name, value] : map->items()) {
      if (!value.is_string()) {
        add(path, fmt::format("\"{}\".\"{}\" must be a string, not {}", key, name, value.type_name()));
        continue;
      }
      out[name] = value.get<std::string>();
    }
  }

  // Tool names and versions become directory names under tools/ (Layout::tool_dir).
  void path_name(const std::string& path, const std::string& value, const char* what) {
    if (auto st = check_path_name(value, what); !st) add(path, st.error().message);
  }

  // Binaries are links into the version directory: relative, never leaving it.
  void relative_paths(const std::string& path, const std::vector<std::string>& paths) {
    for (const auto& p : paths) {
      std::filesystem::path relative(p);
      bool escapes = relative.empty() || relative.is_absolute();
      for (const auto& part : relative) escapes = escapes || part == "..";
      if (escapes) add(path, fmt::format("binary \"{}\" must be a path inside the version directory", p));
    }
  }

  tl::unexpected<Error> failure(const std::string& where) const {
    std::vector<std::string> named(
        m_problems.begin(), m_problems.begin() + static_cast<long>(std::min(m_problems.size(), k_max_named_problems)));
    std::string text = util::join(named, "; ");
    if (m_problems.size() > named.size()) text += fmt::format(" (and {} more)", m_problems.size() - named.size());
    return fail(ErrorKind::invalid_input, "{}: {}", where, text);
  }

 private:
  std::vector<std::string> m_problems;
};

void read_version(Checker& check, const json& v, const std::string& path, InstalledVersion& out) {
  if (!v.is_object()) {
    check.add(path, fmt::format("must be an object, not {}", v.type_name()));
    return;
  }
  check.string(v, path, "requested", false, out.requested);
  check.strings(v, path, "binaries", true, out.binaries);
  check.relative_paths(path, out.binaries);
  check.string_map(v, path, "binary_checksums", true, out.binary_checksums);
  check.string(v, path, "installed_at", true, out.installed_at);
  if (const json* plan = check.get(v, path, "plan", json::value_t::object, false)) out.plan = *plan;
  check.strings(v, path, "cleanup_actions", false, out.cleanup_actions);
}

void read_tool_fields(Checker& check, const json& t, const std::string& path, InstalledTool& out) {
  check.string(t, path, "previous_version", false, out.previous_version);
  check.boolean(t, path, "is_explicit", out.is_explicit);
  check.boolean(t, path, "is_hidden", out.is_hidden);
  check.strings(t, path, "required_by", false, out.required_by);
  check.strings(t, path, "install_dependencies", false, out.install_dependencies);
  check.strings(t, path, "runtime_dependencies", false, out.runtime_dependencies);
  check.string(t, path, "source", false, out.source);
  check.string(t, path, "recipe_hash", false, out.recipe_hash);
  check.string(t, path, "recipe_source", false, out.recipe_source);
  check.string(t, path, "recipe_url", false, out.recipe_url);
}

void read_tool(Checker& check, const std::string& name, const json& t, InstalledTool& out) {
  const std::string path = "installed." + name;
  check.path_name("installed", name, "tool name");
  if (!t.is_object()) {
    check.add(path, fmt::format("must be an object, not {}", t.type_name()));
    return;
  }
  check.string(t, path, "active_version", true, out.active_version);
  read_tool_fields(check, t, path, out);
  const json* versions = check.get(t, path, "versions", json::value_t::object, true);
  if (versions == nullptr) return;
  for (const auto& [version, v] : versions->items()) {
    check.path_name(path + ".versions", version, "version");
    read_version(check, v, fmt::format("{}.versions.{}", path, version), out.versions[version]);
  }
}

}  // namespace

json installed_version_to_json(const InstalledVersion& v) {
  return {{"requested", v.requested},       {"binaries", v.binaries}, {"binary_checksums", v.binary_checksums},
          {"installed_at", v.installed_at}, {"plan", v.plan},         {"cleanup_actions", v.cleanup_actions}};
}

json state_to_json(const State& state) {
  json installed = json::object();
  for (const auto& [name, tool] : state.installed) {
    json versions = json::object();
    for (const auto& [version, v] : tool.versions) versions[version] = installed_version_to_json(v);
    installed[name] = {{"active_version", tool.active_version},
                       {"previous_version", tool.previous_version},
                       {"is_explicit", tool.is_explicit},
                       {"is_hidden", tool.is_hidden},
                       {"required_by", tool.required_by},
                       {"install_dependencies", tool.install_dependencies},
                       {"runtime_dependencies", tool.runtime_dependencies},
                       {"source", tool.source},
                       {"recipe_hash", tool.recipe_hash},
                       {"versions", versions}};
    // Written only when known, so state files of plan installs keep their shape.
    if (!tool.recipe_source.empty()) installed[name]["recipe_source"] = tool.recipe_source;
    if (!tool.recipe_url.empty()) installed[name]["recipe_url"] = tool.recipe_url;
  }
  json out = state.extra;
  out["installed"] = installed;
  out["libs"] = state.libs;
  return out;
}

Result<State> state_from_json(const json& root, const std::string& where) {
  Checker check;
  if (!root.is_object()) {
    check.add("", fmt::format("must be a JSON object, not {}", root.type_name()));
    return check.failure(where);
  }
  State state;
  if (const json* installed = check.get(root, "", "installed", json::value_t::object, true)) {
    for (const auto& [name, t] : installed->items()) read_tool(check, name, t, state.installed[name]);
  }
  if (const json* libs = check.get(root, "", "libs", json::value_t::object, false)) state.libs = *libs;
  // Keys of later releases (or of tsuku, such as llm_usage) are kept and written back.
  for (const auto& [key, value] : root.items()) {
    if (key != "installed" && key != "libs") state.extra[key] = value;
  }
  if (!check.ok()) return check.failure(where);
  return state;
}

Result<InstalledVersion> installed_version_from_json(const json& object, const std::string& where) {
  Checker check;
  InstalledVersion out;
  read_version(check, object, "", out);
  if (!check.ok()) return check.failure(where);
  return out;
}

Result<InstalledTool> tool_fields_from_json(const json& object, const std::string& where) {
  Checker check;
  InstalledTool out;
  read_tool_fields(check, object, "", out);
  if (!check.ok()) return check.failure(where);
  return out;
}

}  // namespace tailor::install
