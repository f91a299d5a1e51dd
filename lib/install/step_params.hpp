#pragma once
// Reading a plan step's parameters: the executors take strings and string lists from a step's
// JSON object, tolerating absent keys and entries of the wrong type (validation reported those).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tailor::install {

// The string `key` of `params`; `fallback` when the key is absent or not a string.
std::string string_param(const nlohmann::ordered_json& params, const char* key, std::string_view fallback = "");

// The strings of array `key` in `params`, in order; empty when the key is absent or not an array.
std::vector<std::string> string_list(const nlohmann::ordered_json& params, const char* key);

}  // namespace tailor::install
