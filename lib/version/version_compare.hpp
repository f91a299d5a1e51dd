#pragma once
// Normalising, comparing and classifying version strings (docs/versions.md, "Resolving a request").
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tailor::version {

// The default pre-release suffixes that still count as stable.
const std::vector<std::string>& default_stable_qualifiers();

// A tag as a version: strips a leading `v` or `go`, keeps the last segment of `a/b/v1.2.3`,
// turns `Release_1_15_0` into `1.15.0`.
std::string normalize_tag(std::string_view tag);

// <0, 0, >0 as `a` is older than, equal to or newer than `b` (build metadata ignored).
int compare_versions(std::string_view a, std::string_view b);

// Whether `version` is a stable release under `qualifiers` (case-insensitive).
bool is_stable(std::string_view version, std::span<const std::string> qualifiers);

// Whether `version` carries a pre-release marker at all (ignoring the stable qualifiers).
bool has_prerelease_marker(std::string_view version);

// `version == requested` or `version` starts with `requested + "."` (the dot boundary).
bool matches_pin(std::string_view version, std::string_view requested);

// Up to `count` entries of `versions` closest to `requested` (shared prefix, then edit distance).
std::vector<std::string> nearest_versions(std::string_view requested, std::span<const std::string> versions,
                                          std::size_t count = 5);

}  // namespace tailor::version
