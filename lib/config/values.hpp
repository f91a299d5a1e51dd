#pragma once
// Typed configuration values: durations (`500ms`, `30s`, `2m`, `1h`), sizes (`4GiB`, plain bytes)
// and booleans, parsed from what a user types and printed back in the same short form.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tailor::config {

// Parses `<integer><unit>` with unit ms, s, m or h; no unit is refused (ambiguous).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// Prints the largest unit that divides the value evenly: 90000 ms -> "90s", 120000 ms -> "2m".
std::string format_duration(std::chrono::milliseconds value);

// Parses plain bytes or `<integer><unit>` with unit B, KiB, MiB, GiB, TiB.
std::optional<uint64_t> parse_size(std::string_view text);
// Prints the largest binary unit that divides the value evenly: 4294967296 -> "4GiB".
std::string format_size(uint64_t bytes);

// Accepts true/false/1/0.
std::optional<bool> parse_bool(std::string_view text);

}  // namespace tailor::config
