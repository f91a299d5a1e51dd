#include "install/digest.hpp"

#include "util/strings.hpp"

namespace tailor::install {

std::string normalize_checksum(std::string_view text) {
  std::string value = util::to_lower(util::trim(text));
  if (auto colon = value.find(':'); colon != std::string::npos) value.erase(0, colon + 1);
  return value;
}

}  // namespace tailor::install
