#pragma once
// The one wording of every "did you mean" hint (commands, flags, values, keys), over
// util::closest_match.
#include <span>
#include <string>
#include <string_view>

namespace tailor::util {

// " (did you mean 'x'?)" for the closest_match of `input`, or "" when nothing is close.
std::string did_you_mean(std::string_view input, std::span<const std::string> candidates, size_t max_distance = 3);

}  // namespace tailor::util
