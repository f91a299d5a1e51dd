#include "util/suggest.hpp"

#include "util/strings.hpp"

namespace tailor::util {

std::string did_you_mean(std::string_view input, std::span<const std::string> candidates, size_t max_distance) {
  auto match = closest_match(input, candidates, max_distance);
  return match ? " (did you mean '" + *match + "'?)" : "";
}

}  // namespace tailor::util
