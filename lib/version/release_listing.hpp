#pragma once
// A saved GitHub release listing (the JSON of /repos/O/R/releases/tags/TAG or one entry of
// /repos/O/R/releases) as the source of asset names, for golden files made without network
// (docs/planning.md, "Golden files").
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"
#include "version/resolver.hpp"

namespace tailor::version {

struct ReleaseListing {
  std::string repo;                   // "owner/name" from the listing's `url` or `html_url`; "" when neither names it
  std::string tag;                    // `tag_name`
  std::vector<std::string> assets;    // `assets[].name`, in listing order
  std::vector<ReleaseAsset> details;  // the same assets with their `digest` and `size`
};

// One `assets[]` entry of a GitHub release listing: its name, its `digest` when that is
// "sha256:" and 64 hex digits (anything else is ignored), its `size`; nullopt without a name.
std::optional<ReleaseAsset> release_asset_from_json(const nlohmann::json& entry);

// Reads a listing file: an object with `tag_name` and `assets` (or an array of such objects).
Result<std::vector<ReleaseListing>> load_release_listings(const std::filesystem::path& file);

// Every snapshot under `dir`: `<dir>/<owner>/<repo>.json`, each a listing file whose
// releases belong to that repository (a listing URL naming another one is refused).
Result<std::vector<ReleaseListing>> load_release_snapshots(const std::filesystem::path& dir);

// Why `url` does not match the snapshots: "" when it is no GitHub release download or when
// the snapshot of its repository lists its tag and asset; otherwise the reason, e.g.
// "release 0.25.0 of sharkdp/bat is not in its snapshot (it has v0.25.0)".
std::string unpublished_reason(const std::vector<ReleaseListing>& snapshots, const std::string& url);

// A resolver that answers release_assets from `listings` (a repo-less listing answers for any
// repository) and pinned_tag (the listed tag of a pinned version: `version`, `v<version>` or
// the recipe's tag_prefix + version) and refuses everything else, so nothing reaches the network.
std::unique_ptr<Resolver> make_listing_resolver(std::vector<ReleaseListing> listings);

}  // namespace tailor::version
