// What planning learns without downloading: the checksum cache, then the download cache
// (docs/downloads.md, "The checksum cache"). Kept apart from the download loop.
#include "fetch/checksum_cache.hpp"
#include "fetch/curl_downloader.hpp"
#include "fetch/revalidate.hpp"

namespace tailor::fetch {
namespace fs = std::filesystem;

namespace {

// Confirms an old entry with the server; true when it still holds (the entry is then updated).
bool still_valid(ChecksumEntry& entry, const FetchConfig& config, int64_t now, const util::Output* output) {
  if (trusted_without_request(entry, now)) return true;
  if (!check_url_allowed(entry.url, config.allow_insecure_loopback)) return false;
  Revalidation answer = revalidate(entry, config);
  if (!answer.unchanged) {
    if (output != nullptr) output->debug("checksum of {} is not confirmed: {}", entry.url, answer.detail);
    return false;
  }
  entry.etag = answer.etag;
  entry.last_modified = answer.last_modified;
  entry.checked_at = now;
  return true;
}

}  // namespace

std::optional<KnownDigest> CurlDownloader::known_digest(const FetchRequest& request) {
  const fs::path downloads = m_options.home / "cache" / "downloads";
  ChecksumCache checksums(downloads / "checksums");
  const util::Output* output = m_options.output;
  int64_t now = unix_now();
  if (m_changed_urls.contains(request.url)) return std::nullopt;
  if (auto entry = checksums.lookup(request.url)) {
    if (!still_valid(*entry, m_options.config, now, output)) {
      // The URL serves other bytes now (or cannot say): what was cached from it is no answer either.
      checksums.forget(request.url);
      m_changed_urls.insert(request.url);
      return std::nullopt;
    }
    if (entry->checked_at == now) (void)checksums.store(*entry);
    if (output != nullptr)
      output->debug("checksum of {}: sha256 {} from the checksum cache", request.url, entry->sha256);
    return KnownDigest{entry->sha256, entry->size, "checksum cache"};
  }
  DownloadCache cache(downloads);
  auto newest = cache.newest_from_url(request.url);
  if (!newest) return std::nullopt;
  const FetchedFile& file = newest->first;
  ChecksumEntry entry{request.url, file.sha256, file.size, "", "", newest->second, "download cache"};
  if (!still_valid(entry, m_options.config, now, output)) return std::nullopt;
  // The file is named by its hash; hashing it again proves the bytes still are those.
  if (!cache.verify_entry(file.sha256)) return std::nullopt;
  remember_verified(file);
  if (auto stored = checksums.store(entry); !stored && output != nullptr) output->debug("{}", stored.error().message);
  if (output != nullptr)
    output->debug("checksum of {}: sha256 {} hashed in the download cache", request.url, file.sha256);
  return KnownDigest{file.sha256, file.size, "download cache"};
}

void CurlDownloader::remember_checksum(const FetchRequest& request, const EngineResult& done) const {
  if (done.file.sha256.empty() || done.file.size == 0) return;
  ChecksumEntry entry{request.url,        done.file.sha256, done.file.size, done.etag,
                      done.last_modified, unix_now(),       "download"};
  ChecksumCache checksums(m_options.home / "cache" / "downloads" / "checksums");
  m_changed_urls.erase(request.url);  // what it serves now is known again
  if (auto stored = checksums.store(entry); !stored && m_options.output != nullptr) {
    m_options.output->debug("{}", stored.error().message);
  }
}

}  // namespace tailor::fetch
