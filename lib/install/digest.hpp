#pragma once
// File digests for checksum verification and binary checksums in state.json.
#include <filesystem>
#include <string>

#include "util/file_digest.hpp"
#include "util/result.hpp"

namespace tailor::install {

// Lowercase hex digest of the file (sha256 or sha512); one implementation for the project.
using util::file_digest;

// Normalises an expected checksum: trims, lowercases and drops everything through the
// first ':' ("sha256:ABC" -> "abc").
std::string normalize_checksum(std::string_view text);

}  // namespace tailor::install
