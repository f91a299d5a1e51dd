#pragma once
// Reading a plan step's parameters: the executors take strings and string lists from a step's
// JSON object, tolerating absent keys and entries of the wrong type (validation reported those).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tailor::install {

// The strings of array `key` in `params`, in order; empty when the key is absent or not an array.
std::vector<std::string> string_list(const nlohmann::ordered_json& params, const char* key);

}  // namespace tailor::install
