#pragma once
// Building blocks shared by the decomposers of lib/actions/; not part of the public API.
#include <string>
#include <vector>

#include "plan/decompose.hpp"
#include "plan/expand.hpp"
#include "recipe/actions.hpp"

namespace tailor::plan::detail {

using nlohmann::json;
using K = recipe::ActionKind;

// A plan step of a primitive action with the catalog's flags.
PlanStep primitive(recipe::ActionKind kind, json params);
std::string basename_of_url(const std::string& url);
// The `download` rule, used directly and by the archive composites. `listed`: the release
// listing's entry of the artifact, whose sha256 digest, when given, is its checksum.
Result<PlanStep> download_rule(const json& params, const Vars& vars, const DecomposeContext& context,
                               const version::ReleaseAsset* listed = nullptr);
Vars composite_vars(const DecomposeContext& context, const json& params, bool with_tag);
Vars unmapped_vars(const DecomposeContext& context);
// Sources of a `binaries` list: strings, or the `src` of {src, dest} tables.
json binary_sources(const json& binaries);
// The step of the lock at this tool's position, when the lock is for the same version/platform.
const LockedStep* locked_step_at(const DecomposeContext& context, size_t index);
// The listing's entry of `asset` (downloaded from `url`) when the release listing can be read
// (online, with a resolver) and states a sha256 digest for it; nullopt otherwise, and when the
// lock lists `url` already (the artifact is then hashed from the lock, or by downloading it).
std::optional<version::ReleaseAsset> listed_digest(const std::string& repo, const std::string& asset,
                                                   const std::string& url, const DecomposeContext& context);
// Resolves a wildcard asset pattern to a concrete asset name.
Result<std::string> resolve_asset(const std::string& repo, const std::string& pattern, const DecomposeContext& context);

using Decomposition = Result<std::vector<PlanStep>>;

}  // namespace tailor::plan::detail
