#include "support/plan_doubles.hpp"

namespace tailor::test {

Result<fetch::FetchedFile> FakeDownloader::fetch(const fetch::FetchRequest& request) {
  requests.push_back(request.url);
  auto it = m_files.find(request.url);
  if (it == m_files.end()) return fail(ErrorKind::network, "404 Not Found: {}", request.url);
  return fetch::FetchedFile{{}, it->second.first, it->second.second, request.url, false, {}};
}

std::optional<fetch::KnownDigest> FakeDownloader::known_digest(const fetch::FetchRequest& request) {
  auto it = m_cached.find(request.url);
  if (it == m_cached.end()) return std::nullopt;
  return fetch::KnownDigest{it->second.first, it->second.second, "checksum cache"};
}

Result<std::string> FakeDownloader::fetch_text(const std::string& url, uint64_t) {
  requests.push_back(url);
  auto it = m_texts.find(url);
  if (it == m_texts.end()) return fail(ErrorKind::network, "404 Not Found: {}", url);
  return it->second;
}

Result<version::ResolvedVersion> FakeResolver::resolve(const recipe::Recipe& recipe, const std::string& requested) {
  requests.push_back("resolve " + recipe.metadata.name + "@" + requested);
  auto it = m_versions.find(recipe.metadata.name);
  // Unknown recipes behave like an unreachable provider, not like a version that does not exist.
  if (it == m_versions.end()) return fail(ErrorKind::network, "no provider answer for {}", recipe.metadata.name);
  return it->second;
}

Result<std::vector<std::string>> FakeResolver::release_assets(const std::string& repo, const std::string& tag) {
  requests.push_back("assets " + repo + "@" + tag);
  if (auto details = m_details.find(repo + "@" + tag); details != m_details.end()) {
    std::vector<std::string> names;
    for (const auto& asset : details->second) names.push_back(asset.name);
    return names;
  }
  auto it = m_assets.find(repo + "@" + tag);
  if (it == m_assets.end()) return fail(ErrorKind::network, "no release {} of {}", tag, repo);
  return it->second;
}

Result<std::vector<version::ReleaseAsset>> FakeResolver::release_asset_details(const std::string& repo,
                                                                               const std::string& tag) {
  auto it = m_details.find(repo + "@" + tag);
  if (it == m_details.end()) return Resolver::release_asset_details(repo, tag);
  requests.push_back("details " + repo + "@" + tag);
  return it->second;
}

Result<std::vector<std::string>> FakeResolver::tags(const std::string& repo) {
  requests.push_back("tags " + repo);
  return std::vector<std::string>{};
}

Result<version::HomebrewBottle> FakeResolver::homebrew_bottle(const std::string& formula,
                                                              const std::string& version_tag, const std::string& os,
                                                              const std::string& arch) {
  requests.push_back("bottle " + formula + "@" + version_tag + " " + os + "/" + arch);
  std::string digest(64, 'b');
  return version::HomebrewBottle{"https://ghcr.io/v2/homebrew/core/" + formula + "/blobs/sha256:" + digest, digest,
                                 4242};
}

}  // namespace tailor::test
