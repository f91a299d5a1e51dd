#pragma once
// Digest of a file, streamed through OpenSSL.
#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace tailor::util {

// Lowercase hex digest of the file; `algorithm` is "sha256" or "sha512".
Result<std::string> file_digest(const std::filesystem::path& path, const std::string& algorithm = "sha256");

}  // namespace tailor::util
