#pragma once
// The central registry as the last source of recipe lookups (docs/registries.md): a cached
// copy while fresh, then a conditional request, a stale copy (with a warning) when the
// registry cannot be reached, nothing at all from the network when offline. Settings are
// read on the first lookup, so commands that never leave the local recipes never read them.
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "recipe/registry.hpp"
#include "registry/recipe_cache.hpp"
#include "registry/settings.hpp"
#include "util/output.hpp"

namespace tailor::registry {

// One conditional GET (If-None-Match `etag` when not empty) of a registry file: status 200,
// 304 or 404 with the body and the ETag, or status 0 with why the server could not be reached
// (transport failures and other statuses). Refused answers (larger than `limit`) are errors.
struct ConditionalReply {
  long status = 0;
  std::string body;
  std::string etag;
  std::string error;  // why the server could not be reached
};
Result<ConditionalReply> conditional_get(const version::ApiClientOptions& client, const std::string& url,
                                         const std::string& etag, uint64_t limit, const std::string& accept = "*/*");

// What a revalidation found (tailor update-registry).
enum class RefreshKind { unchanged, updated, removed, failed };
struct RefreshResult {
  std::string name;
  RefreshKind kind = RefreshKind::unchanged;
  std::string detail;  // the error for failed
};

class CentralRegistry final : public recipe::RemoteSource {
 public:
  // `output` receives the stale-copy warning and the offline note; may be null.
  CentralRegistry(std::filesystem::path home, bool offline, const util::Output* output);

  Result<recipe::RemoteAnswer> fetch(std::string_view name) const override;
  std::vector<std::string> known_names() const override;

  // Asks the registry about a cached recipe whatever its age (If-None-Match).
  RefreshResult refresh(std::string_view name) const;
  Result<const RegistrySettings*> settings() const;

 private:
  Result<ConditionalReply> request(const RegistrySettings& s, const std::string& url, const std::string& etag) const;
  Result<recipe::RemoteAnswer> fetch_local(const RegistrySettings& s, std::string_view name) const;
  Result<recipe::RemoteAnswer> unreachable(const RegistrySettings& s, std::string_view name,
                                           const std::optional<CachedRecipe>& cached, const std::string& why) const;
  recipe::RemoteRecipe from_cache(const RegistrySettings& s, const CachedRecipe& cached) const;

  std::filesystem::path m_home;
  bool m_offline = false;
  const util::Output* m_output = nullptr;
  mutable std::mutex m_mutex;
  mutable std::optional<Result<RegistrySettings>> m_settings;
};

// Validates fetched recipe text; an invalid recipe fails with every error as
// `<origin>:line:col: error: ...`.
Status validate_fetched(std::string_view text, const std::string& origin);

}  // namespace tailor::registry
