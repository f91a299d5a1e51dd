#pragma once
// A unified diff of two texts, for readable golden-file mismatches.
#include <string>

namespace tailor::util {

// Returns a unified diff (3 lines of context) from `expected` to `actual`; "" when equal.
std::string unified_diff(const std::string& expected, const std::string& actual, const std::string& expected_name,
                         const std::string& actual_name);

}  // namespace tailor::util
