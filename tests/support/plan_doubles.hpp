#pragma once
// Doubles for pure planning tests: a downloader that serves preset hashes, a resolver with
// preset versions. Real downloads are tested against real HTTPS servers elsewhere.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fetch/downloader.hpp"
#include "plan/planner.hpp"
#include "version/resolver.hpp"

namespace tailor::test {

class FakeDownloader : public fetch::Downloader {
 public:
  void add(const std::string& url, const std::string& sha256, uint64_t size) { m_files[url] = {sha256, size}; }
  void add_text(const std::string& url, const std::string& text) { m_texts[url] = text; }
  // What exists(url) answers (a HEAD request); URLs not given cannot be told.
  void add_probe(const std::string& url, bool exists) { m_probes[url] = exists; }
  std::optional<bool> exists(const std::string& url) override {
    auto it = m_probes.find(url);
    if (it == m_probes.end()) return std::nullopt;
    probes.push_back(url);
    return it->second;
  }
  // What known_digest answers for `url`, as if an earlier run had hashed it (checksum cache).
  void add_cached(const std::string& url, const std::string& sha256, uint64_t size) { m_cached[url] = {sha256, size}; }
  std::optional<fetch::KnownDigest> known_digest(const fetch::FetchRequest& request) override;
  Result<fetch::FetchedFile> fetch(const fetch::FetchRequest& request) override;
  Result<std::string> fetch_text(const std::string& url, uint64_t max_bytes) override;
  std::vector<std::string> requests;  // every URL asked for, in order
  std::vector<std::string> probes;    // every URL exists() answered for, in order

 private:
  std::map<std::string, std::pair<std::string, uint64_t>> m_files;
  std::map<std::string, std::string> m_texts;
  std::map<std::string, bool> m_probes;
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
  // The release listing of repo@tag with digests and sizes (GitHub's `digest` per asset).
  void add_asset_details(const std::string& repo, const std::string& tag, std::vector<version::ReleaseAsset> assets) {
    m_details[repo + "@" + tag] = std::move(assets);
  }
  Result<version::ResolvedVersion> resolve(const recipe::Recipe& recipe, const std::string& requested) override;
  Result<std::vector<std::string>> release_assets(const std::string& repo, const std::string& tag) override;
  Result<std::vector<version::ReleaseAsset>> release_asset_details(const std::string& repo,
                                                                   const std::string& tag) override;
  Result<std::vector<std::string>> tags(const std::string& repo) override;
  Result<version::HomebrewBottle> homebrew_bottle(const std::string& formula, const std::string& version_tag,
                                                  const std::string& os, const std::string& arch) override;
  std::vector<std::string> requests;

 private:
  std::map<std::string, version::ResolvedVersion> m_versions;
  std::map<std::string, std::vector<std::string>> m_assets;
  std::map<std::string, std::vector<version::ReleaseAsset>> m_details;
};

// The plan an outcome holds, as plan JSON: for the tests of key order and omission rules.
inline nlohmann::ordered_json json_of(const plan::PlanOutcome& outcome) { return plan::plan_to_json(outcome.value); }

}  // namespace tailor::test
