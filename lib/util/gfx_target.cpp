#include "util/gfx_target.hpp"

#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace tailor::util {
namespace {

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

bool is_gfx_target(std::string_view name) {
  if (!name.starts_with("gfx")) return false;
  name.remove_prefix(3);
  // One or two decimal digits of major version, then minor and stepping as one hex digit each.
  if (name.size() != 3 && name.size() != 4) return false;
  const size_t major_digits = name.size() - 2;
  for (size_t i = 0; i < major_digits; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
  }
  if (name[0] == '0') return false;
  return is_hex_digit(name[major_digits]) && is_hex_digit(name[major_digits + 1]);
}

std::optional<std::string> gfx_target_of(uint64_t major, uint64_t minor, uint64_t stepping) {
  if (major < 1 || major > 99 || minor > 15 || stepping > 15) return std::nullopt;
  return fmt::format("gfx{}{:x}{:x}", major, minor, stepping);
}

std::optional<std::string> gfx_target_of_version(std::string_view version) {
  std::vector<uint64_t> parts;
  while (true) {
    const size_t dot = version.find('.');
    const std::string_view part = version.substr(0, dot);
    uint64_t value = 0;
    if (part.empty() || part.size() > 3) return std::nullopt;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    parts.push_back(value);
    if (dot == std::string_view::npos) break;
    version.remove_prefix(dot + 1);
  }
  if (parts.size() != 3) return std::nullopt;
  return gfx_target_of(parts[0], parts[1], parts[2]);
}

const std::vector<std::string>& known_gfx_targets() {
  static const std::vector<std::string> k_targets{
      "gfx900",  "gfx902",  "gfx904",  "gfx906",  "gfx908",  "gfx909",  "gfx90a",  "gfx90c",  "gfx940",
      "gfx941",  "gfx942",  "gfx950",  "gfx1010", "gfx1011", "gfx1012", "gfx1013", "gfx1030", "gfx1031",
      "gfx1032", "gfx1033", "gfx1034", "gfx1035", "gfx1036", "gfx1100", "gfx1101", "gfx1102", "gfx1103",
      "gfx1150", "gfx1151", "gfx1152", "gfx1153", "gfx1200", "gfx1201"};
  return k_targets;
}

}  // namespace tailor::util
