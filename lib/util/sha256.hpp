#pragma once
// The one home of SHA-256 (and the SHA-512 file digest that checksum_algo allows), computed by
// libcrypto, which is opened on first use (util/crypto_api.hpp); and the one checksum normaliser.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace tailor::util {

// SHA-256 computed while bytes stream by.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  // Lowercase hex; call once.
  std::string hex_digest();

 private:
  void* m_context;
};

// Lowercase hex digest of the file; `algorithm` is "sha256" or "sha512".
Result<std::string> file_digest(const std::filesystem::path& path, const std::string& algorithm = "sha256");

// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

// Raw 32-byte SHA-256 of `text`.
std::string sha256_bytes(std::string_view text);

// Lowercase hex of raw bytes.
std::string to_hex(std::string_view bytes);

// An expected checksum as written in a recipe, a plan or a URL fragment, in the form digests
// are compared in (docs/downloads.md): trimmed, lowercased, everything through the first ':'
// dropped ("sha256:ABC" -> "abc") and what follows trimmed again ("sha256: ABC" -> "abc").
// It does not check the length: sha512 checksums go through it too.
std::string normalize_checksum(std::string_view text);

}  // namespace tailor::util
