#pragma once
// Where a plan's checksums and sizes come from, in this order, downloading only when nothing
// else knows (docs/planning.md, "Where checksums come from"): the lock, a checksum already
// known to the caller (a release digest), the `checksum_url` file, the downloader's checksum
// and download caches, and only then a download (streamed SHA-256, kept in the download cache).
// Without a downloader nothing can be hashed; offline, only the lock answers.
#include <optional>
#include <string>
#include <vector>

#include "fetch/downloader.hpp"
#include "plan/pins.hpp"
#include "util/result.hpp"

namespace tailor::plan {

struct ArtifactInfo {
  std::string checksum;
  uint64_t size = 0;
};

class ArtifactResolver {
 public:
  ArtifactResolver(const Pins* lock, fetch::Downloader* downloader, bool offline)
      : m_lock(lock), m_downloader(downloader), m_offline(offline) {}

  // Checksum and size of `url` (then `fallbacks`). `known_checksum` (a release digest) or the
  // hash `checksum_url` lists is taken without downloading; a cached hash of the URL that
  // disagrees with it is settled by a download that must match it. The size is 0 when only
  // the checksum is known. nullopt when nothing can hash it.
  Result<std::optional<ArtifactInfo>> resolve(const std::string& url, const std::vector<std::string>& fallbacks,
                                              const std::string& checksum_url, const std::string& dest,
                                              const std::string& known_checksum = {});
  // Checksum and size of `url` as a release listing states them (its `digest`), with nothing
  // downloaded; a lock entry still wins. `checksum_url`, when set, must agree with the digest.
  Result<std::optional<ArtifactInfo>> from_digest(const std::string& url, const std::string& sha256, uint64_t size,
                                                  const std::string& checksum_url, const std::string& dest);
  // security.require_checksum (docs/downloads.md): `url` may be planned only when its checksum
  // is known without trusting a first download: from the lock, or `vouched` for by a checksum
  // file, a release digest or a signature. Otherwise ErrorKind::checksum, before any download.
  void require_known_checksums(bool required) { m_require_known = required; }
  Status check_known(const std::string& url, bool vouched) const;
  bool offline() const { return m_offline; }
  bool can_download() const { return m_downloader != nullptr && !m_offline; }

 private:
  const Pins* m_lock;
  fetch::Downloader* m_downloader;
  bool m_offline;
  bool m_require_known = false;
};

// The expected hash for `dest` in a checksum file: bare hash, `hash  name`, `hash *name`,
// multi-line SHA256SUMS (whole-name match) or BSD `SHA256 (name) = hash`.
Result<std::string> checksum_from_file(const std::string& text, const std::string& dest);

}  // namespace tailor::plan
