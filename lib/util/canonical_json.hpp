#pragma once
// Prints JSON exactly as `jq .` does: 2-space indent, keys in stored order, raw non-ASCII.
#include <string>

#include <nlohmann/json.hpp>

namespace tailor::util {

// Returns the canonical byte form of `value`, ending with a single newline.
std::string canonical_json(const nlohmann::ordered_json& value);
std::string canonical_json(const nlohmann::json& value);

// Appends `text` as a JSON string literal with jq's escaping rules.
void append_json_string(std::string& out, std::string_view text);

}  // namespace tailor::util
