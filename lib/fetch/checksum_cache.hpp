#pragma once
// $TAILOR_HOME/cache/downloads/checksums/: what planning learnt about an artifact URL without
// keeping its bytes in mind — SHA-256, size and the server's validators (ETag, Last-Modified)
// — one small JSON file per URL, named by url_key(URL) (docs/downloads.md,
// "The checksum cache"). Every write is temp file + rename, so concurrent tailor processes
// only ever see whole entries; the last writer wins, and every writer wrote the truth.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "util/result.hpp"

namespace tailor::fetch {

struct ChecksumEntry {
  std::string url;
  std::string sha256;         // lowercase hex
  uint64_t size = 0;          // bytes
  std::string etag;           // the server's ETag for these bytes; "" when it sent none
  std::string last_modified;  // the server's Last-Modified; "" when it sent none
  int64_t checked_at = 0;     // Unix seconds: when the bytes were hashed or last revalidated
  std::string source;         // "download" or "download cache": where the hash was computed
};

// How long an entry is trusted without asking the server (docs/downloads.md).
constexpr std::chrono::hours k_checksum_trust{24};

// Whether `entry` may be used at `now_unix` without a revalidation request.
bool trusted_without_request(const ChecksumEntry& entry, int64_t now_unix);

// Seconds since the epoch, now.
int64_t unix_now();

// The file name stem of a URL's entry: 32 hex digits (two 64-bit FNV-1a hashes).
std::string url_key(const std::string& url);

class ChecksumCache {
 public:
  explicit ChecksumCache(std::filesystem::path dir) : m_dir(std::move(dir)) {}
  const std::filesystem::path& dir() const { return m_dir; }
  // The file that holds the entry of `url`.
  std::filesystem::path path_for(const std::string& url) const;
  // The entry of `url`; nullopt when there is none or it is unreadable (a damaged one is removed).
  std::optional<ChecksumEntry> lookup(const std::string& url) const;
  // Writes the entry of `entry.url` atomically (directory 0700, file 0600).
  Status store(const ChecksumEntry& entry) const;
  // Removes the entry of `url`, if any.
  void forget(const std::string& url) const;

 private:
  std::filesystem::path m_dir;
};

}  // namespace tailor::fetch
