#pragma once
// File digests for checksum verification and binary checksums in state.json.
#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace tailor::install {

// Lowercase hex digest of the file; `algorithm` is "sha256" or "sha512".
Result<std::string> file_digest(const std::filesystem::path& path, const std::string& algorithm = "sha256");

// Normalises an expected checksum: trims, lowercases and drops everything through the
// first ':' ("sha256:ABC" -> "abc").
std::string normalize_checksum(std::string_view text);

} // namespace tailor::install
