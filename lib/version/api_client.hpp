#pragma once
// GET requests to version-provider APIs over libcurl (docs/versions.md, "Transport and credentials"):
// HTTPS only, tailor's User-Agent, a total timeout, size caps, GitHub credentials only for the
// GitHub API host, and a response cache in $TAILOR_HOME/cache/api/ revalidated with ETags.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace tailor::version {

inline constexpr uint64_t k_mib = uint64_t{1} << 20;

// What a client answered from its cache while offline, for commands that say so
// (`tailor outdated`, docs/user-guide.md, "Keeping tools current").
struct OfflineAnswers {
  int count = 0;
  int64_t oldest_fetched_at = 0;  // Unix seconds of the oldest cached answer used; 0 = none
};

struct ApiClientOptions {
  std::filesystem::path cache_dir;            // "" = no cache
  std::chrono::seconds cache_ttl{3600};       // fresh entries are used without asking the server
  std::chrono::milliseconds timeout{30'000};  // whole request, body included
  std::string github_api;                     // origin that receives the GitHub token
  std::string github_token;
  std::string ca_bundle;                 // PEM file of trusted CAs ("" = system)
  bool allow_insecure_loopback = false;  // plain http to 127.0.0.1 (tests)
  bool refresh = false;                  // ignore cached entries (still store new ones)
  // Answer from the cache only, whatever the age of an entry; a URL without one is
  // ErrorKind::network. Each answer is counted in `offline_answers` when set.
  bool offline = false;
  std::shared_ptr<OfflineAnswers> offline_answers;
};

struct ApiRequest {
  ApiRequest(std::string target, std::string accept_type = "application/json", std::string bearer_token = {},
             uint64_t limit = k_mib, bool may_cache = true)
      : url(std::move(target)),
        accept(std::move(accept_type)),
        bearer(std::move(bearer_token)),
        max_bytes(limit),
        cacheable(may_cache) {}
  std::string url;
  std::string accept = "application/json";
  std::string bearer;          // Authorization: Bearer for this request (GHCR)
  uint64_t max_bytes = k_mib;  // refuse larger bodies
  bool cacheable = true;       // false for tokens
};

struct ApiResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names, last value wins
  bool from_cache = false;
  std::string header(const std::string& name) const;
};

struct BlobDigest {
  std::string sha256;  // lowercase hex
  uint64_t size = 0;
};

class ApiClient {
 public:
  explicit ApiClient(ApiClientOptions options);

  // Any HTTP status comes back as a response; transport failures, refused URLs and rate-limit
  // replies (403/429 with X-RateLimit-Remaining: 0) are errors. Only 200 replies are cached.
  Result<ApiResponse> get(const ApiRequest& request);
  // One request with extra headers (If-None-Match), never answered from or stored in the
  // cache; statuses and errors as get(). For callers that keep their own cache (lib/registry).
  Result<ApiResponse> get_uncached(const ApiRequest& request, const std::map<std::string, std::string>& headers);
  // get() that requires 200 and a JSON body; `what` names the document in errors.
  Result<nlohmann::json> get_json(const ApiRequest& request, std::string_view what);
  // Streams a body without keeping it, returning its SHA-256 and size (never cached).
  Result<BlobDigest> digest(const ApiRequest& request);

  const ApiClientOptions& options() const { return m_options; }

 private:
  Result<ApiResponse> perform(const ApiRequest& request, const std::map<std::string, std::string>& extra_headers,
                              BlobDigest* digest);
  ApiClientOptions m_options;
};

}  // namespace tailor::version
