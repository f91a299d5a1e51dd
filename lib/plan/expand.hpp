#pragma once
// Template expansion and the small shared rules of decomposition (docs/actions.md, "Shared rules").
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace tailor::plan {

using Vars = std::map<std::string, std::string>;

// Replaces each literal `{name}` by its value; substituted text is not rescanned and unknown
// placeholders stay.
std::string expand(std::string_view text, const Vars& vars);
// Expands every string value (never keys) through arrays and tables.
nlohmann::json expand_json(const nlohmann::json& value, const Vars& vars);

// `mapping[value]` when `mapping` is a table whose entry is a string, else `value`.
std::string mapped(const nlohmann::json& params, const char* mapping_key, const std::string& value);

// Archive format from a URL or pattern suffix; an error asks for `archive_format`.
Result<std::string> detect_archive_format(std::string_view name);

// Glob match where `*` and `?` do not cross `/` and `[...]` are classes.
bool glob_match(const std::string& pattern, const std::string& name);
bool has_glob(std::string_view text);

// Helpers to read typed params.
std::string param_string(const nlohmann::json& params, const char* key);
std::optional<int64_t> param_int(const nlohmann::json& params, const char* key);

}  // namespace tailor::plan
