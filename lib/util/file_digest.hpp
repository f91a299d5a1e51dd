#pragma once
// Digest of a file, streamed through OpenSSL.
#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace tailor::util {

// Lowercase hex digest of the file; `algorithm` is "sha256" or "sha512".
Result<std::string> file_digest(const std::filesystem::path& path, const std::string& algorithm = "sha256");

// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

}  // namespace tailor::util
