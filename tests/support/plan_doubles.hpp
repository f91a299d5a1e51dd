#pragma once
// Doubles for pure planning tests: a downloader that serves preset hashes, a resolver with
// preset versions. Real downloads are tested against real HTTPS servers elsewhere.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fetch/downloader.hpp"
#include "version/resolver.hpp"

namespace tailor::test {

class FakeDownloader : public fetch::Downloader {
 public:
  void add(const std::string& url, const std::string& sha256, uint64_t size) { m_files[url] = {sha256, size}; }
  void add_text(const std::string& url, const std::string& text) { m_texts[url] = text; }
  // What known_digest answers for `url`, as if an earlier run had hashed it (checksum cache).
  void add_cached(const std::string& url, const std::string& sha256, uint64_t size) { m_cached[url] = {sha256, size}; }
  std::optional<fetch::KnownDigest> known_digest(const fetch::FetchRequest& request) override;
  Result<fetch::FetchedFile> fetch(const fetch::FetchRequest& request) override;
  Result<std::string> fetch_text(const std::string& url, uint64_t max_bytes) override;
  std::vector<std::string> requests;  // every URL asked for, in order

 private:
  std::map<std::string, std::pair<std::string, uint64_t>> m_files;
  std::map<std::string, std::string> m_texts;
  std::map<std::string, std::pair<std::string, uint64_t>> m_cached;
};

class FakeResolver : public version::Resolver {
 public:
  void add(const std::string& recipe, const std::string& version, const std::string& tag) {
    m_versions[recipe] = {version, tag, {}};
  }
  void add_assets(const std::string& repo, const std::string& tag, std::vector<std::string> assets) {
    m_assets[repo + "@" + tag] = std::move(assets);
  }
  Result<version::ResolvedVersion> resolve(const recipe::Recipe& recipe, const std::string& requested) override;
  Result<std::vector<std::string>> release_assets(const std::string& repo, const std::string& tag) override;
  Result<std::vector<std::string>> tags(const std::string& repo) override;
  Result<version::HomebrewBottle> homebrew_bottle(const std::string& formula, const std::string& version_tag,
                                                  const std::string& os, const std::string& arch) override;
  std::vector<std::string> requests;

 private:
  std::map<std::string, version::ResolvedVersion> m_versions;
  std::map<std::string, std::vector<std::string>> m_assets;
};

}  // namespace tailor::test
