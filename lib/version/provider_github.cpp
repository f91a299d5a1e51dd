// GitHub releases and tags (docs/versions.md, "Providers").
#include <algorithm>
#include <cctype>

#include "util/strings.hpp"
#include "version/providers.hpp"
#include "version/release_listing.hpp"
#include "version/version_compare.hpp"

namespace tailor::version {
namespace {

constexpr const char* k_github_json = "application/vnd.github+json";

// The `rel="next"` target of a Link header, "" when there is none.
std::string next_link(const std::string& link) {
  for (const auto& part : util::split(link, ',')) {
    auto open = part.find('<');
    auto close = part.find('>');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    if (part.find("rel=\"next\"", close) != std::string::npos) return part.substr(open + 1, close - open - 1);
  }
  return {};
}

struct TagPage {
  std::vector<std::string> names;
  std::string next;
};

Result<TagPage> tag_page(ProviderContext& context, const std::string& url, const std::string& repo) {
  ApiRequest request{url, k_github_json};
  auto response = context.client->get(request);
  if (!response) return fail(response.error());
  if (response->status == 404) return fail(ErrorKind::version, "GitHub repository {} not found ({})", repo, url);
  if (response->status != 200)
    return fail(ErrorKind::network, "tags of {}: HTTP {} from {}", repo, response->status, url);
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (!doc.is_array()) return fail(ErrorKind::network, "tags of {}: {} did not return a JSON array", repo, url);
  TagPage page;
  for (const auto& entry : doc) {
    if (entry.is_object() && entry.contains("name") && entry["name"].is_string()) {
      page.names.push_back(entry["name"].get<std::string>());
    }
  }
  page.next = next_link(response->header("link"));
  return page;
}

std::string tags_url(const ProviderContext& context, const std::string& repo) {
  return context.endpoints.github_api + "/repos/" + repo + "/tags?per_page=100";
}

bool contains_digit(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

class GithubProvider final : public Provider {
 public:
  GithubProvider(ProviderContext context, std::string repo, std::string prefix)
      : m_context(std::move(context)), m_repo(std::move(repo)), m_prefix(std::move(prefix)) {}

  std::string describe() const override {
    return m_prefix.empty() ? "GitHub releases of " + m_repo
                            : "GitHub tags of " + m_repo + " with prefix '" + m_prefix + "'";
  }

  bool can_list() const override { return true; }

  Result<std::vector<Listed>> list() override {
    auto page = tag_page(m_context, tags_url(m_context, m_repo), m_repo);
    if (!page) return fail(page.error());
    std::vector<Listed> out;
    for (const auto& name : page->names) {
      if (!m_prefix.empty()) {
        if (name.rfind(m_prefix, 0) != 0 || name.size() == m_prefix.size()) continue;
        std::string version = name.substr(m_prefix.size());
        out.push_back({version, name, is_stable(version, m_context.stable_qualifiers)});
      } else {
        std::string version = normalize_tag(name);
        out.push_back({version, name, is_stable(version, m_context.stable_qualifiers)});
      }
    }
    sort_newest_first(out);
    return out;
  }

  Result<ResolvedVersion> latest() override {
    if (!m_prefix.empty()) {
      auto versions = list();
      if (!versions) return fail(versions.error());
      if (versions->empty()) return fail(ErrorKind::version, "no tag of {} starts with '{}'", m_repo, m_prefix);
      auto stable = std::find_if(versions->begin(), versions->end(), [](const Listed& l) { return l.stable; });
      const Listed& pick = stable != versions->end() ? *stable : versions->front();
      return ResolvedVersion{pick.version, pick.tag, {}};
    }
    std::string url = m_context.endpoints.github_api + "/repos/" + m_repo + "/releases/latest";
    auto response = m_context.client->get(ApiRequest{url, k_github_json});
    if (!response) return fail(response.error());
    if (response->status == 404) return latest_from_tags();
    if (response->status != 200)
      return fail(ErrorKind::network, "latest release of {}: HTTP {} from {}", m_repo, response->status, url);
    auto doc = nlohmann::json::parse(response->body, nullptr, false);
    if (!doc.is_object() || !doc.contains("tag_name") || !doc["tag_name"].is_string()) {
      return fail(ErrorKind::network, "latest release of {}: no tag_name in {}", m_repo, url);
    }
    std::string tag = doc["tag_name"].get<std::string>();
    // A release not flagged as a pre-release can still be one by its name (docs/versions.md, "Resolving a request").
    if (!is_stable(normalize_tag(tag), m_context.stable_qualifiers)) {
      if (auto stable = latest_from_releases()) return stable;
    }
    return ResolvedVersion{normalize_tag(tag), tag, {}};
  }

  Result<ResolvedVersion> exact(const std::string& version) override {
    std::string tag = m_prefix.empty() ? version : m_prefix + version;
    if (m_prefix.empty()) {
      std::string url = m_context.endpoints.github_api + "/repos/" + m_repo + "/releases/tags/v" + version;
      auto response = m_context.client->get(ApiRequest{url, k_github_json});
      // Unreachable is not "no such tag": the caller decides whether unchecked is good enough.
      if (!response) return fail(response.error());
      if (response->status == 200) tag = "v" + version;
    }
    return ResolvedVersion{version, tag, {}};
  }

 private:
  // The newest release of the first listing page that is neither a draft nor a pre-release.
  Result<ResolvedVersion> latest_from_releases() {
    std::string url = m_context.endpoints.github_api + "/repos/" + m_repo + "/releases?per_page=100";
    auto doc = m_context.client->get_json(ApiRequest{url, k_github_json}, "releases of " + m_repo);
    if (!doc) return fail(doc.error());
    std::vector<Listed> stable;
    for (const auto& release : doc->is_array() ? *doc : nlohmann::json::array()) {
      if (!release.is_object() || !release.contains("tag_name") || !release["tag_name"].is_string()) continue;
      if (release.value("draft", false) || release.value("prerelease", false)) continue;
      std::string tag = release["tag_name"].get<std::string>();
      if (is_stable(normalize_tag(tag), m_context.stable_qualifiers)) stable.push_back({normalize_tag(tag), tag, true});
    }
    if (stable.empty()) return fail(ErrorKind::version, "{} has no stable release", m_repo);
    sort_newest_first(stable);
    return ResolvedVersion{stable.front().version, stable.front().tag, {}};
  }

  // Repositories with tags but no releases: pages 1–5, the highest plausible release tag.
  Result<ResolvedVersion> latest_from_tags() {
    std::vector<std::string> valid;
    std::size_t collected = 0;
    std::string url = tags_url(m_context, m_repo);
    for (int page = 1; page <= 5 && !url.empty(); ++page) {
      auto got = tag_page(m_context, url, m_repo);
      if (!got) return fail(got.error());
      collected += got->names.size();
      for (const auto& name : got->names) {
        std::string lower = util::to_lower(name);
        if (lower.find("weekly") != std::string::npos || lower.find("beta") != std::string::npos ||
            lower.find("-rc") != std::string::npos || !contains_digit(normalize_tag(name))) {
          continue;
        }
        valid.push_back(name);
      }
      if (collected >= 100 && !valid.empty()) break;
      url = got->next;
    }
    if (valid.empty()) return fail(ErrorKind::version, "{} has no releases and no usable tags", m_repo);
    auto best = std::max_element(valid.begin(), valid.end(), [](const std::string& a, const std::string& b) {
      return compare_versions(normalize_tag(a), normalize_tag(b)) < 0;
    });
    return ResolvedVersion{normalize_tag(*best), *best, {}};
  }

  ProviderContext m_context;
  std::string m_repo;
  std::string m_prefix;
};

}  // namespace

std::unique_ptr<Provider> make_github_provider(ProviderContext context, std::string repo, std::string tag_prefix) {
  return std::make_unique<GithubProvider>(std::move(context), std::move(repo), std::move(tag_prefix));
}

Result<std::vector<ReleaseAsset>> github_release_assets(ProviderContext& context, const std::string& repo,
                                                        const std::string& tag) {
  std::string url = context.endpoints.github_api + "/repos/" + repo + "/releases/tags/" + tag;
  auto doc = context.client->get_json(ApiRequest{url, k_github_json}, fmt::format("release {} of {}", tag, repo));
  if (!doc) return fail(doc.error());
  if (!doc->is_object() || !doc->contains("assets") || !(*doc)["assets"].is_array()) {
    return fail(ErrorKind::network, "release {} of {}: no assets array in {}", tag, repo, url);
  }
  std::vector<ReleaseAsset> assets;
  for (const auto& entry : (*doc)["assets"]) {
    if (auto asset = release_asset_from_json(entry)) assets.push_back(std::move(*asset));
  }
  return assets;
}

Result<std::vector<std::string>> github_tags(ProviderContext& context, const std::string& repo) {
  auto page = tag_page(context, tags_url(context, repo), repo);
  if (!page) return fail(page.error());
  std::vector<std::string> names = page->names;
  std::stable_sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return compare_versions(normalize_tag(a), normalize_tag(b)) > 0;
  });
  return names;
}

}  // namespace tailor::version
