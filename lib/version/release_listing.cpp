#include "version/release_listing.hpp"

#include <nlohmann/json.hpp>

#include "util/fs.hpp"

namespace tailor::version {
namespace {

// GitHub's listing of a release with many assets is a few hundred kB; the API documents' cap.
constexpr uint64_t k_max_listing_bytes = 10 * 1024 * 1024;

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
  for (const auto& asset : doc["assets"]) {
    if (asset.is_object() && asset.contains("name") && asset["name"].is_string()) {
      listing.assets.push_back(asset["name"].get<std::string>());
    }
  }
  return listing;
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

  Result<std::vector<std::string>> tags(const std::string& repo) override {
    return fail(ErrorKind::network, "the tags of {} are not in a release listing (--listing)", repo);
  }

  Result<HomebrewBottle> homebrew_bottle(const std::string& formula, const std::string&, const std::string&,
                                         const std::string&) override {
    return fail(ErrorKind::network, "the Homebrew bottle of {} is not in a release listing (--listing)", formula);
  }

 private:
  std::vector<ReleaseListing> m_listings;
};

}  // namespace

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

std::unique_ptr<Resolver> make_listing_resolver(std::vector<ReleaseListing> listings) {
  return std::make_unique<ListingResolver>(std::move(listings));
}

}  // namespace tailor::version
