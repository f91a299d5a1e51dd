#include "plan/artifacts.hpp"

#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace tailor::plan {

Result<std::string> checksum_from_file(const std::string& text, const std::string& dest) {
  std::vector<std::string> lines;
  for (auto& line : util::split(text, '\n')) {
    if (!util::trim(line).empty()) lines.emplace_back(util::trim(line));
  }
  if (lines.size() == 1) {
    auto fields = util::split_whitespace(lines[0]);
    if (fields.size() <= 1 || lines[0].find('(') == std::string::npos) {
      return util::to_lower(fields.empty() ? std::string() : fields[0]);
    }
  }
  for (const auto& line : lines) {
    // BSD form: SHA256 (name) = hash
    auto open = line.find(" (");
    auto close = line.find(") = ");
    if (open != std::string::npos && close != std::string::npos && close > open) {
      if (line.substr(open + 2, close - open - 2) == dest) return util::to_lower(util::trim(line.substr(close + 4)));
      continue;
    }
    auto fields = util::split_whitespace(line);
    if (fields.size() < 2) continue;
    std::string name = fields[1];
    if (name.starts_with('*')) name.erase(0, 1);
    if (name.starts_with("./")) name.erase(0, 2);
    if (name == dest) return util::to_lower(fields[0]);
  }
  return fail(ErrorKind::checksum, "checksum file has no entry for '{}'", dest);
}

Result<std::optional<ArtifactInfo>> ArtifactResolver::resolve(const std::string& url,
                                                              const std::vector<std::string>& fallbacks,
                                                              const std::string& checksum_url, const std::string& dest,
                                                              const std::string& known_checksum) {
  if (m_lock != nullptr) {
    auto it = m_lock->artifacts.find(url);
    if (it != m_lock->artifacts.end()) {
      if (it->second.checksum.empty()) return std::optional<ArtifactInfo>();
      return std::optional<ArtifactInfo>(ArtifactInfo{it->second.checksum, it->second.size});
    }
  }
  if (m_offline) {
    return fail(ErrorKind::network, "offline: artifact {} is not in the lock (run without --offline to download it)",
                url);
  }
  // The checksum someone publishes for the artifact: known already, else its checksum file.
  std::string expected = util::normalize_checksum(known_checksum);
  std::string expected_from = "the release digest";
  if (m_downloader == nullptr) {
    if (expected.empty()) return std::optional<ArtifactInfo>();
    return std::optional<ArtifactInfo>(ArtifactInfo{expected, 0});
  }
  if (expected.empty() && !checksum_url.empty()) {
    auto text = m_downloader->fetch_text(checksum_url);
    if (!text) return fail(text.error());
    auto listed = checksum_from_file(*text, dest);
    if (!listed) return fail(listed.error());
    expected = *listed;
    expected_from = checksum_url;
  }
  fetch::FetchRequest request{url, fallbacks, "", 0};
  std::optional<fetch::KnownDigest> cached = m_downloader->known_digest(request);
  if (!expected.empty()) {
    if (!cached) return std::optional<ArtifactInfo>(ArtifactInfo{expected, 0});
    if (cached->sha256 == expected) return std::optional<ArtifactInfo>(ArtifactInfo{expected, cached->size});
    // What was cached from this URL is not what is published now: only fresh bytes can tell
    // whether the publisher or the cache is out of date.
  } else if (cached) {
    return std::optional<ArtifactInfo>(ArtifactInfo{cached->sha256, cached->size});
  }
  auto fetched = m_downloader->fetch(request);
  if (!fetched) return fail(fetched.error());
  if (!expected.empty() && expected != fetched->sha256) {
    return fail(ErrorKind::checksum, "checksum mismatch for {}: {} lists {}, the download hashes to {}", url,
                expected_from, expected, fetched->sha256);
  }
  return std::optional<ArtifactInfo>(ArtifactInfo{fetched->sha256, fetched->size});
}

Result<std::optional<ArtifactInfo>> ArtifactResolver::from_digest(const std::string& url, const std::string& sha256,
                                                                  uint64_t size, const std::string& checksum_url,
                                                                  const std::string& dest) {
  if (m_lock != nullptr) {
    if (auto it = m_lock->artifacts.find(url); it != m_lock->artifacts.end() && !it->second.checksum.empty())
      return std::optional<ArtifactInfo>(ArtifactInfo{it->second.checksum, it->second.size});
  }
  if (!checksum_url.empty() && can_download()) {
    auto text = m_downloader->fetch_text(checksum_url);
    if (!text) return fail(text.error());
    auto expected = checksum_from_file(*text, dest);
    if (!expected) return fail(expected.error());
    if (*expected != sha256) {
      return fail(ErrorKind::checksum, "checksum mismatch for {}: {} lists {}, the release listing's digest is {}", url,
                  checksum_url, *expected, sha256);
    }
  }
  return std::optional<ArtifactInfo>(ArtifactInfo{sha256, size});
}

Status ArtifactResolver::check_known(const std::string& url, bool vouched) const {
  if (!m_require_known || vouched || m_offline) return {};
  if (m_lock != nullptr) {
    if (auto it = m_lock->artifacts.find(url); it != m_lock->artifacts.end() && !it->second.checksum.empty()) return {};
  }
  return fail(ErrorKind::checksum,
              "security.require_checksum is set and nothing vouches for the checksum of {}: no lock lists it, and "
              "the recipe gives no checksum file, release digest or signature for it; tailor will not trust its "
              "first download. Add checksum_url (or signature_url, signature_key_url and signature_key_fingerprint) "
              "to the recipe, plan with --pin-from a lock that lists the artifact, or set "
              "security.require_checksum = false",
              url);
}

}  // namespace tailor::plan
