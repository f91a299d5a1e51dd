#include "fetch/download_cache.hpp"

#include "util/sha256.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "config/partial_downloads.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::fetch {
namespace fs = std::filesystem;

Result<std::string> normalize_sha256(std::string_view expected) {
  std::string value = util::normalize_checksum(expected);
  if (value.empty()) return value;
  bool hex = value.size() == 64 && std::all_of(value.begin(), value.end(), [](unsigned char c) {
               return std::isdigit(c) || (c >= 'a' && c <= 'f');
             });
  if (!hex) return fail(ErrorKind::invalid_input, "checksum '{}' is not a SHA-256 (64 hex digits)", expected);
  return value;
}

TempFile::TempFile(TempFile&& other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path)) {
  other.m_fd = -1;
  other.m_path.clear();
}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    discard();
    m_fd = other.m_fd;
    m_path = std::move(other.m_path);
    other.m_fd = -1;
    other.m_path.clear();
  }
  return *this;
}

TempFile::~TempFile() { discard(); }

void TempFile::discard() {
  // Unlinked while its lock is still held: a sweep may remove only files whose writer is gone.
  if (!m_path.empty()) ::unlink(m_path.c_str());
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  m_path.clear();
}

void TempFile::release() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  m_path.clear();
}

namespace {

std::string now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

Status DownloadCache::ensure() const {
  std::error_code ec;
  if (fs::is_symlink(m_dir, ec)) {
    return fail(ErrorKind::failure, "download cache {} is a symlink; refusing to use it", m_dir.string());
  }
  fs::create_directories(m_dir, ec);
  if (ec) return fail(ErrorKind::failure, "cannot create download cache {}: {}", m_dir.string(), ec.message());
  if (::chmod(m_dir.c_str(), 0700) != 0) {
    return fail(ErrorKind::failure, "cannot set mode 0700 on {}: {}", m_dir.string(), std::strerror(errno));
  }
  return {};
}

std::optional<FetchedFile> DownloadCache::lookup(const std::string& sha256, uint64_t expected_size) const {
  auto entry = lookup_unverified(sha256, expected_size);
  if (!entry || !verify_entry(sha256)) return std::nullopt;
  return entry;
}

std::optional<FetchedFile> DownloadCache::lookup_unverified(const std::string& sha256, uint64_t expected_size) const {
  if (sha256.empty()) return std::nullopt;
  fs::path data = m_dir / (sha256 + ".data");
  struct stat st {};
  if (::lstat(data.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  auto size = static_cast<uint64_t>(st.st_size);
  if (expected_size != 0 && size != expected_size) {
    remove_entry(sha256);
    return std::nullopt;
  }
  std::string url;
  if (auto meta = util::read_file(m_dir / (sha256 + ".meta"), 1 << 16)) {
    auto parsed = nlohmann::json::parse(*meta, nullptr, false);
    if (parsed.is_object() && parsed.contains("url") && parsed["url"].is_string()) url = parsed["url"];
  }
  return FetchedFile{data, sha256, size, url, true, {}};
}

namespace {

// "2026-01-05T10:00:00Z" as written by now_rfc3339(); 0 when unreadable.
int64_t parse_rfc3339(const std::string& text) {
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return 0;
  return static_cast<int64_t>(::timegm(&tm));
}

}  // namespace

std::optional<std::pair<FetchedFile, int64_t>> DownloadCache::newest_from_url(const std::string& url) const {
  std::optional<std::pair<FetchedFile, int64_t>> best;
  std::error_code ec;
  for (auto it = fs::directory_iterator(m_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& meta_path = it->path();
    if (meta_path.extension() != ".meta") continue;
    auto meta = util::read_file(meta_path, 1 << 16);
    if (!meta) continue;
    auto parsed = nlohmann::json::parse(*meta, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("url") || parsed["url"] != url) continue;
    std::string sha256 = meta_path.stem().string();
    auto entry = lookup_unverified(sha256, 0);
    if (!entry) continue;
    int64_t cached_at =
        parsed.contains("cached_at") && parsed["cached_at"].is_string() ? parse_rfc3339(parsed["cached_at"]) : 0;
    if (!best || cached_at > best->second) best = std::make_pair(std::move(*entry), cached_at);
  }
  return best;
}

Status DownloadCache::verify_entry(const std::string& sha256) const {
  fs::path data = m_dir / (sha256 + ".data");
  auto actual = util::file_digest(data, "sha256");
  if (actual && *actual == sha256) return {};
  remove_entry(sha256);
  return fail(ErrorKind::checksum, "cached download {} no longer matches its checksum: expected sha256 {}, got {}",
              data.string(), sha256, actual ? *actual : actual.error().message);
}

void DownloadCache::remove_entry(const std::string& sha256) const {
  std::error_code ec;
  fs::remove(m_dir / (sha256 + ".data"), ec);
  fs::remove(m_dir / (sha256 + ".meta"), ec);
}

Result<TempFile> DownloadCache::create_temp() const {
  auto partial = config::create_partial_download(m_dir);
  if (!partial) return fail(partial.error());
  return TempFile(partial->fd, std::move(partial->path));
}

config::PartialDownloads DownloadCache::remove_dead_partials() const {
  return config::remove_dead_partial_downloads(m_dir);
}

Result<std::vector<fs::path>> DownloadCache::commit_all(std::vector<PendingEntry>& entries) const {
  std::vector<fs::path> paths;
  if (entries.empty()) return paths;
  for (auto& entry : entries) ::fchmod(entry.file.fd(), 0644);
  // One flush puts every file of the batch on disk before a rename publishes it: an entry's
  // name promises its bytes (docs/downloads.md, "The download cache").
  if (auto synced = util::sync_file_system(m_dir); !synced) return fail(synced.error());
  for (auto& entry : entries) {
    fs::path target = m_dir / (entry.sha256 + ".data");
    if (::rename(entry.file.path().c_str(), target.c_str()) != 0) {
      return fail(ErrorKind::failure, "cannot move download into {}: {}", target.string(), std::strerror(errno));
    }
    entry.file.release();
    // Where it came from is advice for planning and `tailor cache`, not a promise: not flushed.
    nlohmann::json meta = {{"url", entry.url},
                           {"checksum", entry.sha256},
                           {"actual_hash", entry.sha256},
                           {"size", entry.size},
                           {"cached_at", now_rfc3339()}};
    (void)util::write_file_atomic(m_dir / (entry.sha256 + ".meta"), meta.dump(2) + "\n", 0644,
                                  util::Durability::best_effort);
    paths.push_back(std::move(target));
  }
  if (auto synced = util::sync_directory(m_dir); !synced) return fail(synced.error());
  return paths;
}

}  // namespace tailor::fetch
