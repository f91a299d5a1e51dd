#pragma once
// Recipes of distributed registries (docs/registries.md, "Distributed registries"): the
// `.tsuku-recipes/` directory of a GitHub repository, listed through the GitHub contents API
// (TAILOR_GITHUB_API, or the registered source's api_url) and fetched raw with ETags. Copies
// live in $TAILOR_HOME/cache/registries/<owner>/<repo>/ (the central cache's layout and code)
// and are fresh for an hour; then they are revalidated with If-None-Match, used stale with a
// warning while GitHub cannot be reached, and used whatever their age offline.
#include <chrono>
#include <functional>

#include "recipe/registry.hpp"
#include "registry/settings.hpp"
#include "registry/source_ref.hpp"
#include "util/output.hpp"

namespace tailor::registry {

inline constexpr std::chrono::seconds k_distributed_ttl{3600};
// A contents listing of a large directory is bigger than one recipe.
inline constexpr uint64_t k_max_listing_bytes = uint64_t{8} << 20;

class DistributedRegistry {
 public:
  using SettingsFn = std::function<Result<const RegistrySettings*>()>;
  // `output` receives the stale-copy warning and the offline note; may be null.
  DistributedRegistry(SettingsFn settings, const util::Output* output)
      : m_settings(std::move(settings)), m_output(output) {}

  // The recipe `ref` names, validated; none with a note when the repository does not have it.
  // Errors: registry.strict and an unregistered source, GitHub unreachable without a usable
  // copy (network), invalid or oversized recipes (never cached).
  Result<recipe::RemoteAnswer> fetch(const SourceRef& ref) const;

 private:
  SettingsFn m_settings;
  const util::Output* m_output = nullptr;
};

}  // namespace tailor::registry
