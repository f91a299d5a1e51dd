#include "version/release_listing.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "recipe/actions.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::version {
namespace {

// GitHub's listing of a release with many assets is a few hundred kB; the API documents' cap.
constexpr uint64_t k_max_listing_bytes = uint64_t{10} * 1024 * 1024;

// "owner/name" out of https://api.github.com/repos/O/R/releases/... or https://github.com/O/R/releases/...
std::string repo_of(const std::string& url) {
  for (const char* marker : {"/repos/", "github.com/"}) {
    auto at = url.find(marker);
    if (at == std::string::npos) continue;
    std::string rest = url.substr(at + std::char_traits<char>::length(marker));
    auto owner_end = rest.find('/');
    if (owner_end == std::string::npos) continue;
    auto name_end = rest.find('/', owner_end + 1);
    return rest.substr(0, name_end);
  }
  return "";
}

Result<ReleaseListing> listing_of(const nlohmann::json& doc, const std::string& file) {
  if (!doc.is_object() || !doc.contains("tag_name") || !doc["tag_name"].is_string() || !doc.contains("assets") ||
      !doc["assets"].is_array()) {
    return fail(ErrorKind::invalid_input, "{}: a release listing needs a string tag_name and an assets array", file);
  }
  ReleaseListing listing;
  listing.tag = doc["tag_name"].get<std::string>();
  for (const char* key : {"url", "html_url"}) {
    if (listing.repo.empty() && doc.contains(key) && doc[key].is_string()) listing.repo = repo_of(doc[key]);
  }
  for (const auto& entry : doc["assets"]) {
    if (auto asset = release_asset_from_json(entry)) {
      listing.assets.push_back(asset->name);
      listing.details.push_back(std::move(*asset));
    }
  }
  return listing;
}

// The GitHub repository whose releases a recipe installs: [version] github_repo, else the repo
// of its first github_archive / github_file step.
std::string recipe_repo(const recipe::Recipe& recipe) {
  if (!recipe.version.github_repo.empty()) return recipe.version.github_repo;
  for (const auto& step : recipe.steps) {
    using recipe::ActionKind;
    if (!recipe::is_action(step.action, ActionKind::github_archive) &&
        !recipe::is_action(step.action, ActionKind::github_file)) {
      continue;
    }
    auto repo = step.params.find("repo");
    if (repo != step.params.end() && repo->is_string()) return repo->get<std::string>();
  }
  return "";
}

class ListingResolver final : public Resolver {
 public:
  explicit ListingResolver(std::vector<ReleaseListing> listings) : m_listings(std::move(listings)) {}

  Result<ResolvedVersion> resolve(const recipe::Recipe& recipe, const std::string&) override {
    return fail(ErrorKind::network, "{}: only release listings are available (--listing), no version provider",
                recipe.metadata.name);
  }

  Result<std::vector<std::string>> release_assets(const std::string& repo, const std::string& tag) override {
    for (const auto& listing : m_listings) {
      if (listing.tag == tag && (listing.repo.empty() || listing.repo == repo)) return listing.assets;
    }
    return fail(ErrorKind::network, "no release listing for {} of {} was given (--listing)", tag, repo);
  }

  Result<std::vector<ReleaseAsset>> release_asset_details(const std::string& repo, const std::string& tag) override {
    for (const auto& listing : m_listings) {
      if (listing.tag == tag && (listing.repo.empty() || listing.repo == repo)) return listing.details;
    }
    return fail(ErrorKind::network, "no release listing for {} of {} was given (--listing)", tag, repo);
  }

  Result<std::vector<std::string>> tags(const std::string& repo) override {
    return fail(ErrorKind::network, "the tags of {} are not in a release listing (--listing)", repo);
  }

  Result<HomebrewBottle> homebrew_bottle(const std::string& formula, const std::string&, const std::string&,
                                         const std::string&) override {
    return fail(ErrorKind::network, "the Homebrew bottle of {} is not in a release listing (--listing)", formula);
  }

  std::optional<std::string> pinned_tag(const recipe::Recipe& recipe, const std::string& version) override {
    const std::string repo = recipe_repo(recipe);
    if (repo.empty()) return std::nullopt;
    std::vector<std::string> candidates;
    if (!recipe.version.tag_prefix.empty()) {
      candidates = {recipe.version.tag_prefix + version};
    } else {
      candidates = {version, "v" + version};
    }
    for (const auto& candidate : candidates) {
      for (const auto& listing : m_listings) {
        if (listing.repo == repo && listing.tag == candidate) return listing.tag;
      }
    }
    return std::nullopt;
  }

 private:
  std::vector<ReleaseListing> m_listings;
};

}  // namespace

std::optional<ReleaseAsset> release_asset_from_json(const nlohmann::json& entry) {
  if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) return std::nullopt;
  ReleaseAsset asset{entry["name"].get<std::string>(), "", 0};
  if (auto digest = entry.find("digest"); digest != entry.end() && digest->is_string()) {
    const std::string& text = digest->get_ref<const std::string&>();
    const std::string hex = text.starts_with("sha256:") ? util::to_lower(text.substr(7)) : "";
    if (hex.size() == 64 && std::all_of(hex.begin(), hex.end(),
                                        [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; })) {
      asset.sha256 = hex;
    }
  }
  if (auto size = entry.find("size"); size != entry.end() && size->is_number_integer() && *size >= 0) {
    asset.size = size->get<uint64_t>();
  }
  return asset;
}

Result<std::vector<ReleaseListing>> load_release_listings(const std::filesystem::path& file) {
  auto text = util::read_file(file, k_max_listing_bytes);
  if (!text) return fail(text.error());
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return fail(ErrorKind::invalid_input, "{} is not valid JSON", file.string());
  std::vector<ReleaseListing> listings;
  const nlohmann::json entries = doc.is_array() ? doc : nlohmann::json::array({doc});
  for (const auto& entry : entries) {
    auto listing = listing_of(entry, file.string());
    if (!listing) return fail(listing.error());
    listings.push_back(std::move(*listing));
  }
  return listings;
}

Result<std::vector<ReleaseListing>> load_release_snapshots(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::vector<ReleaseListing> out;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& owner : fs::directory_iterator(dir, ec)) {
    if (!owner.is_directory()) continue;
    for (const auto& entry : fs::directory_iterator(owner.path(), ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
    }
  }
  if (ec) return fail(ErrorKind::invalid_input, "cannot read release snapshots in {}: {}", dir.string(), ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const std::string repo = file.parent_path().filename().string() + "/" + file.stem().string();
    auto listings = load_release_listings(file);
    if (!listings) return fail(listings.error());
    for (auto& listing : *listings) {
      if (!listing.repo.empty() && listing.repo != repo) {
        return fail(ErrorKind::invalid_input, "{}: a release of {} in the snapshot of {}", file.string(), listing.repo,
                    repo);
      }
      listing.repo = repo;
      out.push_back(std::move(listing));
    }
  }
  return out;
}

std::string unpublished_reason(const std::vector<ReleaseListing>& snapshots, const std::string& url) {
  const std::string prefix = "https://github.com/";
  const std::string marker = "/releases/download/";
  if (!url.starts_with(prefix)) return "";
  auto at = url.find(marker);
  if (at == std::string::npos) return "";
  const std::string repo = url.substr(prefix.size(), at - prefix.size());
  const std::string rest = url.substr(at + marker.size());
  auto slash = rest.find('/');
  if (slash == std::string::npos) return "";
  const std::string tag = rest.substr(0, slash);
  const std::string asset = rest.substr(slash + 1);
  std::vector<std::string> tags;
  for (const auto& listing : snapshots) {
    if (listing.repo != repo) continue;
    if (listing.tag == tag) {
      if (std::find(listing.assets.begin(), listing.assets.end(), asset) != listing.assets.end()) return "";
      return fmt::format("release {} of {} publishes no asset named {}", tag, repo, asset);
    }
    tags.push_back(listing.tag);
  }
  if (tags.empty()) return fmt::format("no release snapshot of {}", repo);
  return fmt::format("release {} of {} is not in its snapshot (it has {})", tag, repo, fmt::join(tags, ", "));
}

std::unique_ptr<Resolver> make_listing_resolver(std::vector<ReleaseListing> listings) {
  return std::make_unique<ListingResolver>(std::move(listings));
}

}  // namespace tailor::version
