#pragma once
// The `version_path` walker of the http_json provider (docs/versions.md, "Providers").
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace tailor::version {

// One step of a path: an object key or an array index.
using PathStep = std::variant<std::string, std::size_t>;

// Parses `releases[0].version`; fails on leading/trailing `.`, empty keys, `[]`, non-decimal
// indices and a key right after `]` without a dot.
Result<std::vector<PathStep>> parse_version_path(std::string_view path);

// Walks `document` along `path` to a version string: strings as is, whole numbers without a
// decimal point, other numbers in shortest form; anything else (and "") is an error.
Result<std::string> extract_version(const nlohmann::json& document, std::string_view path);

}  // namespace tailor::version
