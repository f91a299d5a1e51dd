#pragma once
// $TAILOR_HOME/cache/downloads: artifacts stored by their SHA-256 (docs/downloads.md,
// "The download cache"). Entries are `<sha256>.data` plus `<sha256>.meta` (JSON: url, checksum, actual_hash,
// size, cached_at); the directory is 0700; every write is temp file, flush, rename.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/partial_downloads.hpp"
#include "fetch/downloader.hpp"
#include "util/result.hpp"
#include "util/sha256.hpp"

namespace tailor::fetch {

// util::normalize_checksum (docs/downloads.md), then refused unless "" or 64 hex digits.
Result<std::string> normalize_sha256(std::string_view expected);

// The streaming hash of downloads (one implementation: util/sha256.hpp).
using util::Sha256;

// A file being downloaded into the cache directory (`.download-XXXXXX`, locked while this
// object holds it open); removed unless committed.
class TempFile {
 public:
  TempFile() = default;
  TempFile(int fd, std::filesystem::path path) : m_fd(fd), m_path(std::move(path)) {}
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  ~TempFile();
  int fd() const { return m_fd; }
  const std::filesystem::path& path() const { return m_path; }
  // Closes and deletes the file now.
  void discard();
  // Marks the file as moved away (by commit).
  void release();

 private:
  int m_fd = -1;
  std::filesystem::path m_path;
};

// A download written in full and checked, on its way into the cache.
struct PendingEntry {
  TempFile file;
  std::string sha256;
  uint64_t size = 0;
  std::string url;
};

class DownloadCache {
 public:
  explicit DownloadCache(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  const std::filesystem::path& dir() const { return m_dir; }
  // Creates the directory 0700 (tightening an existing one) and refuses a symlinked one.
  Status ensure() const;
  // The verified entry for `sha256` (size must match `expected_size` when non-zero).
  // A damaged entry is deleted and reported as a miss.
  std::optional<FetchedFile> lookup(const std::string& sha256, uint64_t expected_size) const;

  // The entry for `sha256` when its size matches, without hashing it yet: `verify_entry`
  // must confirm it before the bytes are trusted (install overlaps that with extraction).
  std::optional<FetchedFile> lookup_unverified(const std::string& sha256, uint64_t expected_size) const;
  // The newest entry downloaded from `url` (by its .meta), unverified, with the Unix time it
  // was cached at; nullopt when none. Reads every .meta: for planning's rare cache misses.
  std::optional<std::pair<FetchedFile, int64_t>> newest_from_url(const std::string& url) const;
  // Re-hashes the entry; a mismatch removes it and is ErrorKind::checksum.
  Status verify_entry(const std::string& sha256) const;
  // A partial download, locked by this process until it is committed or discarded
  // (config/partial_downloads.hpp).
  Result<TempFile> create_temp() const;
  // Removes the partial downloads of processes that are gone; returns what was removed.
  config::PartialDownloads remove_dead_partials() const;
  // Moves fully written temp files into the cache, each as its `sha256`, and records where
  // they came from: one flush of the file system for all of them, then the renames. Returns
  // the entries' paths in order.
  Result<std::vector<std::filesystem::path>> commit_all(std::vector<PendingEntry>& entries) const;
  // Deletes the entry of `sha256` (data and meta); a missing one is no error.
  void remove_entry(const std::string& sha256) const;

 private:
  std::filesystem::path m_dir;
};

}  // namespace tailor::fetch
