#include "util/dotted_version.hpp"

#include <cstdint>

namespace tailor::util {
namespace {

// The number at `at` and the position after it and its dot.
uint64_t next_part(std::string_view text, size_t& at) {
  uint64_t value = 0;
  while (at < text.size() && text[at] != '.') value = value * 10 + static_cast<uint64_t>(text[at++] - '0');
  if (at < text.size()) ++at;
  return value;
}

}  // namespace

bool is_dotted_version(std::string_view text) {
  size_t digits = 0;
  for (char c : text) {
    if (c == '.') {
      if (digits == 0) return false;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (++digits > 9) return false;
    } else {
      return false;
    }
  }
  return digits > 0;
}

int compare_dotted_versions(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    uint64_t left = next_part(a, i);
    uint64_t right = next_part(b, j);
    if (left != right) return left < right ? -1 : 1;
  }
  return 0;
}

}  // namespace tailor::util
