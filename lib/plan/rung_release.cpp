#include "plan/rung_release.hpp"
#include "recipe/actions.hpp"

#include <algorithm>

#include "plan/backend.hpp"
#include "plan/expand.hpp"

namespace tailor::plan {
namespace {

// Whether the lock lists an artifact of `prefix` whose name matches `pattern`.
bool locked(const Pins* lock, const std::string& prefix, const std::string& pattern) {
  if (lock == nullptr) return false;
  return std::any_of(lock->artifacts.begin(), lock->artifacts.end(), [&](const auto& entry) {
    return entry.first.starts_with(prefix) && glob_match(pattern, entry.first.substr(prefix.size()));
  });
}

// Offline with a lock planned for this target, release and platform: the rung it chose
// stands, and a better rung whose build it lacks is rejected, as when it was planned.
std::optional<std::string> rejected_by_lock(const recipe::Recipe& recipe, const tuple::Target& target,
                                            const VersionPair& version, const PlanEnv& env) {
  const Pins* lock = env.lock;
  if (env.lock_decides_rungs && lock != nullptr && lock->tool == recipe.metadata.name &&
      lock->version == version.version && lock->os == target.os && lock->arch == target.arch &&
      lock->gpu == target.gpu && lock->backend && lock->backend != target.backend) {
    return fmt::format(
        "the lock for release {} has no {} build for {}/{} (it chose {}); the release listing "
        "was not read",
        version.version_tag, backend_display_name(tuple::name(target.backend)), target.os, target.arch,
        tuple::name(*lock->backend));
  }
  return std::nullopt;
}

// A `download` / `download_archive` step's URL (no listing to ask) that answers 404 at plan
// time: a HEAD request through the downloader. Nothing is rejected when it cannot be told.
std::optional<std::string> direct_url_missing(const recipe::Step& step, const tuple::Target& target,
                                              const VersionPair& version, const PlanEnv& env) {
  if (step.params.contains("fallback_urls")) return std::nullopt;  // another URL may serve it
  const Vars vars{{"version", version.version},
                  {"version_tag", version.version_tag},
                  {"os", mapped(step.params, "os_mapping", target.os)},
                  {"arch", mapped(step.params, "arch_mapping", target.arch)}};
  const std::string url = expand(param_string(step.params, "url"), vars);
  if (url.empty() || (env.lock != nullptr && env.lock->artifacts.contains(url))) return std::nullopt;
  fetch::Downloader* downloader = env.services->downloader;
  if (downloader == nullptr || env.artifacts->offline()) return std::nullopt;
  // A URL an earlier run hashed (checksum or download cache, revalidated when old) served its
  // bytes: no request is needed to know it exists (docs/downloads.md, "The checksum cache").
  fetch::FetchRequest known;
  known.url = url;
  if (downloader->known_digest(known)) return std::nullopt;
  auto exists = downloader->exists(url);
  if (!exists || *exists) return std::nullopt;
  return fmt::format("version {} has no {} build for {}/{}: {} answers 404", version.version,
                     backend_display_name(tuple::name(target.backend)), target.os, target.arch, url);
}

}  // namespace

std::optional<std::string> rung_missing_from_release(const recipe::Recipe& recipe, const tuple::Target& target,
                                                     const VersionPair& version, const PlanEnv& env) {
  version::Resolver* resolver = env.services->resolver;
  for (const auto& step : recipe.steps) {
    const bool direct = recipe::is_action(step.action, recipe::ActionKind::download) ||
                        recipe::is_action(step.action, recipe::ActionKind::download_archive);
    if (!direct && !recipe::is_action(step.action, recipe::ActionKind::github_archive) &&
        !recipe::is_action(step.action, recipe::ActionKind::github_file))
      continue;
    if (!step.when || step.when->backend.empty() || !recipe::step_applies(step, target)) continue;
    if (direct) {
      if (auto missing = direct_url_missing(step, target, version, env)) return missing;
      continue;
    }
    const std::string repo = param_string(step.params, "repo");
    const Vars vars{{"version", version.version},
                    {"os", mapped(step.params, "os_mapping", target.os)},
                    {"arch", mapped(step.params, "arch_mapping", target.arch)}};
    const std::string pattern = expand(param_string(step.params, "asset_pattern"), vars);
    if (repo.empty() || pattern.empty()) continue;
    const std::string prefix = "https://github.com/" + repo + "/releases/download/" + version.version_tag + "/";
    if (locked(env.lock, prefix, pattern)) continue;
    if (resolver == nullptr || env.artifacts->offline()) {
      if (auto rejected = rejected_by_lock(recipe, target, version, env)) return rejected;
      continue;
    }
    auto assets = resolver->release_assets(repo, version.version_tag);
    if (!assets) continue;
    if (std::any_of(assets->begin(), assets->end(), [&](const auto& asset) { return glob_match(pattern, asset); })) {
      continue;
    }
    return fmt::format("release {} publishes no {} build for {}/{}: no asset matches '{}'", version.version_tag,
                       backend_display_name(tuple::name(target.backend)), target.os, target.arch, pattern);
  }
  return std::nullopt;
}

}  // namespace tailor::plan
