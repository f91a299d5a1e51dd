#pragma once
// Version providers (docs/versions.md, "Providers") behind one interface, and the choice of
// provider for a recipe (docs/versions.md, "Choosing the provider"). Internal to lib/version.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "recipe/recipe.hpp"
#include "util/result.hpp"
#include "version/api_client.hpp"
#include "version/endpoints.hpp"
#include "version/resolver.hpp"

namespace tailor::version {

using Listed = ListedVersion;

struct ProviderContext {
  ApiClient* client = nullptr;
  Endpoints endpoints;
  std::vector<std::string> stable_qualifiers;  // the recipe's, or the default list
  std::string python_version = "3.12";         // the bundled Python that pipx installs run on
};

class Provider {
 public:
  virtual ~Provider() = default;
  // "GitHub releases of owner/repo", for messages and `versions`.
  virtual std::string describe() const = 0;
  // The newest stable version.
  virtual Result<ResolvedVersion> latest() = 0;
  virtual bool can_list() const { return false; }
  // Known versions, newest first.
  virtual Result<std::vector<Listed>> list() { return fail(ErrorKind::version, "{} cannot list versions", describe()); }
  // A version the provider was not asked to list (or could not): resolved directly.
  virtual Result<ResolvedVersion> exact(const std::string& version) { return ResolvedVersion{version, version, {}}; }
  // A channel such as `@lts`.
  virtual Result<ResolvedVersion> channel(const std::string& name) {
    return fail(ErrorKind::version, "{} has no channel '{}'", describe(), name);
  }
};

// Sorts newest first by the comparison of docs/versions.md, "Resolving a request" (stable for equal versions).
void sort_newest_first(std::vector<Listed>& versions);

std::unique_ptr<Provider> make_github_provider(ProviderContext context, std::string repo, std::string tag_prefix);
std::unique_ptr<Provider> make_homebrew_provider(ProviderContext context, std::string formula);
std::unique_ptr<Provider> make_npm_provider(ProviderContext context, std::string package);
std::unique_ptr<Provider> make_pypi_provider(ProviderContext context, std::string package);
std::unique_ptr<Provider> make_crates_provider(ProviderContext context, std::string crate);
std::unique_ptr<Provider> make_rubygems_provider(ProviderContext context, std::string gem);
std::unique_ptr<Provider> make_goproxy_provider(ProviderContext context, std::string module);
std::unique_ptr<Provider> make_go_toolchain_provider(ProviderContext context);
std::unique_ptr<Provider> make_nodejs_provider(ProviderContext context);
std::unique_ptr<Provider> make_http_json_provider(ProviderContext context, std::string url, std::string version_path);

// The provider of `recipe` by the priority order of docs/versions.md, "Choosing the provider"; an error when none
// applies (`manual`, unknown sources, no inferable step).
Result<std::unique_ptr<Provider>> select_provider(const recipe::Recipe& recipe, const ProviderContext& context);

// GitHub helpers the resolver's composite look-ups use.
// The assets of release `tag` with their digests and sizes.
Result<std::vector<ReleaseAsset>> github_release_assets(ProviderContext& context, const std::string& repo,
                                                        const std::string& tag);
Result<std::vector<std::string>> github_tags(ProviderContext& context, const std::string& repo);
Result<HomebrewBottle> find_homebrew_bottle(ProviderContext& context, const std::string& formula,
                                            const std::string& version_tag, const std::string& os,
                                            const std::string& arch);

// Go module path escaping: each uppercase letter becomes `!` + lowercase.
std::string escape_module_path(std::string_view module);

}  // namespace tailor::version
