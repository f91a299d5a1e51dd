#pragma once
// Version resolution and the network look-ups composites need at plan time
// (recipes-and-plans.md §5.3, platform-and-install.md §8).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "recipe/recipe.hpp"
#include "util/result.hpp"

namespace tailor::version {

struct ResolvedVersion {
  std::string version;      // "1.2.3"
  std::string version_tag;  // "v1.2.3"
  std::map<std::string, std::string> metadata;  // version.<key> template variables
};

struct HomebrewBottle {
  std::string url;     // https://ghcr.io/v2/homebrew/core/<path>/blobs/sha256:<digest>
  std::string digest;  // hex, no "sha256:"
  uint64_t size = 0;
};

class Resolver {
public:
  virtual ~Resolver() = default;
  // Resolves `requested` ("" or "latest" = newest stable) with the recipe's provider.
  virtual Result<ResolvedVersion> resolve(const recipe::Recipe& recipe, const std::string& requested) = 0;
  // Release asset names of `tag` in listing order (for wildcard asset patterns).
  virtual Result<std::vector<std::string>> release_assets(const std::string& repo, const std::string& tag) = 0;
  // Tags of the repository, newest first (for the wildcard version fallback).
  virtual Result<std::vector<std::string>> tags(const std::string& repo) = 0;
  // The bottle of `formula` at `version_tag` for the platform.
  virtual Result<HomebrewBottle> homebrew_bottle(const std::string& formula, const std::string& version_tag,
                                                 const std::string& os, const std::string& arch) = 0;
};

} // namespace tailor::version
