#include "plan/expand.hpp"

#include <fnmatch.h>

#include "util/strings.hpp"

namespace tailor::plan {

std::string expand(std::string_view text, const Vars& vars) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      size_t close = text.find('}', i + 1);
      if (close != std::string_view::npos) {
        auto it = vars.find(std::string(text.substr(i + 1, close - i - 1)));
        if (it != vars.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

nlohmann::json expand_json(const nlohmann::json& value, const Vars& vars) {
  if (value.is_string()) return expand(value.get_ref<const std::string&>(), vars);
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : value) out.push_back(expand_json(element, vars));
    return out;
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = expand_json(it.value(), vars);
    return out;
  }
  return value;
}

std::string mapped(const nlohmann::json& params, const char* mapping_key, const std::string& value) {
  auto mapping = params.find(mapping_key);
  if (mapping == params.end() || !mapping->is_object()) return value;
  auto entry = mapping->find(value);
  if (entry == mapping->end() || !entry->is_string()) return value;
  return entry->get<std::string>();
}

Result<std::string> detect_archive_format(std::string_view name) {
  const std::string lower = util::to_lower(name);
  auto ends = [&](std::string_view suffix) { return lower.ends_with(suffix); };
  if (ends(".tar.gz") || ends(".tgz")) return std::string("tar.gz");
  if (ends(".tar.xz") || ends(".txz")) return std::string("tar.xz");
  if (ends(".tar.bz2") || ends(".tbz2") || ends(".tbz")) return std::string("tar.bz2");
  if (ends(".tar.zst") || ends(".tzst")) return std::string("tar.zst");
  if (ends(".tar.lz") || ends(".tlz")) return std::string("tar.lz");
  if (ends(".tar")) return std::string("tar");
  if (ends(".zip")) return std::string("zip");
  return fail(ErrorKind::failure, "cannot detect archive format from '{}'; set archive_format", name);
}

bool has_glob(std::string_view text) { return text.find_first_of("*?[]") != std::string_view::npos; }

bool glob_match(const std::string& pattern, const std::string& name) {
  return ::fnmatch(pattern.c_str(), name.c_str(), FNM_PATHNAME) == 0;
}

std::string param_string(const nlohmann::json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::optional<int64_t> param_int(const nlohmann::json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

}  // namespace tailor::plan
