#include "config/values.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace tailor::config {
namespace {

// Splits "<digits><suffix>"; nullopt when there are no leading digits or they overflow.
std::optional<std::pair<uint64_t, std::string_view>> split_number(std::string_view text) {
  uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || end == text.data()) return std::nullopt;
  return std::make_pair(number, text.substr(static_cast<size_t>(end - text.data())));
}

bool multiply(uint64_t value, uint64_t factor, uint64_t& out) {
  if (value != 0 && factor > UINT64_MAX / value) return false;
  out = value * factor;
  return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto parts = split_number(text);
  if (!parts) return std::nullopt;
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 4> k_units{
      {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}}};
  for (const auto& [unit, factor] : k_units) {
    uint64_t ms = 0;
    if (parts->second == unit && multiply(parts->first, factor, ms) && ms <= INT64_MAX) {
      return std::chrono::milliseconds(static_cast<int64_t>(ms));
    }
  }
  return std::nullopt;
}

std::string format_duration(std::chrono::milliseconds value) {
  auto ms = value.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::optional<uint64_t> parse_size(std::string_view text) {
  auto parts = split_number(text);
  if (!parts) return std::nullopt;
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 6> k_units{
      {{"", 1}, {"B", 1}, {"KiB", 1ULL << 10}, {"MiB", 1ULL << 20}, {"GiB", 1ULL << 30}, {"TiB", 1ULL << 40}}};
  for (const auto& [unit, factor] : k_units) {
    uint64_t bytes = 0;
    if (parts->second == unit && multiply(parts->first, factor, bytes)) return bytes;
  }
  return std::nullopt;
}

std::string format_size(uint64_t bytes) {
  static constexpr std::array<std::pair<const char*, int>, 4> k_units{
      {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}}};
  for (const auto& [unit, shift] : k_units) {
    uint64_t factor = 1ULL << shift;
    if (bytes != 0 && bytes % factor == 0) return std::to_string(bytes / factor) + unit;
  }
  return std::to_string(bytes);
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return std::nullopt;
}

}  // namespace tailor::config
