#pragma once
// String helpers that know nothing about tailor.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tailor::util {

std::string_view trim(std::string_view text);
std::vector<std::string> split(std::string_view text, char separator);
std::vector<std::string> split_whitespace(std::string_view text);
std::string to_lower(std::string_view text);
std::string join(std::span<const std::string> parts, std::string_view separator);
// Replaces every occurrence of `from` in `text` by `to`, without rescanning the inserted text.
std::string replace_all(std::string_view text, std::string_view from, std::string_view to);
// A byte count for people: "512 B", "1.5 MiB".
std::string human_size(uint64_t bytes);
size_t levenshtein(std::string_view a, std::string_view b);
// The candidate closest to `input` by edit distance when that distance is <= max_distance
// (ties: alphabetically first), for "did you mean" hints.
std::optional<std::string> closest_match(std::string_view input, std::span<const std::string> candidates,
                                         size_t max_distance = 3);

}  // namespace tailor::util
