#include "version/api_client.hpp"

#include <ctime>
#include <memory>

#include <arpa/inet.h>
#include <netdb.h>
#include <strings.h>
#include "fetch/curl_api.hpp"

#include "fetch/fetch_config.hpp"
#include "fetch/url.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "version/api_cache.hpp"

namespace tailor::version {
namespace {

constexpr int k_max_redirects = 5;

struct Exchange {
  std::string body;
  std::map<std::string, std::string> headers;
  uint64_t limit = 0;
  bool too_large = false;
  BlobDigest* digest = nullptr;
  util::Sha256* hash = nullptr;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) ex->headers.clear();
  if (auto colon = line.find(':'); colon != std::string_view::npos) {
    ex->headers[util::to_lower(util::trim(line.substr(0, colon)))] = std::string(util::trim(line.substr(colon + 1)));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * count;
  uint64_t seen = ex->digest != nullptr ? ex->digest->size : ex->body.size();
  if (seen + n > ex->limit) {
    ex->too_large = true;
    return 0;
  }
  if (ex->digest != nullptr) {
    ex->hash->update(data, n);
    ex->digest->size += n;
  } else {
    ex->body.append(data, n);
  }
  return n;
}

// Redirects must not reach internal addresses (docs/versions.md, "Transport and credentials"); the first URL may.
Status check_redirect_host(const std::string& url) {
  auto parts = fetch::parse_url(url);
  if (!parts) return fail(ErrorKind::network, "refused redirect to malformed URL {}", url);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(parts->host.c_str(), nullptr, &hints, &found) != 0) {
    return fail(ErrorKind::network, "cannot resolve redirect host {}", parts->host);
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (fetch::is_internal_address(ai->ai_addr)) {
      return fail(ErrorKind::network, "refused redirect to {}: its host resolves to a local or private address", url);
    }
  }
  return {};
}

std::string origin_of(const std::string& url) {
  auto parts = fetch::parse_url(url);
  if (!parts) return url;
  return parts->scheme + "://" + parts->host + (parts->port.empty() ? "" : ":" + parts->port);
}

std::string format_reset(const std::string& reset) {
  char* end = nullptr;
  long long when = std::strtoll(reset.c_str(), &end, 10);
  if (reset.empty() || end == nullptr || *end != '\0') return "at an unknown time";
  std::time_t t = static_cast<std::time_t>(when);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return std::string("at ") + text;
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string ApiResponse::header(const std::string& name) const {
  auto it = headers.find(util::to_lower(name));
  return it == headers.end() ? std::string() : it->second;
}

ApiClient::ApiClient(ApiClientOptions options) : m_options(std::move(options)) {}

Result<ApiResponse> ApiClient::perform(const ApiRequest& request,
                                       const std::map<std::string, std::string>& extra_headers, BlobDigest* digest) {
  if (auto allowed = fetch::check_url_allowed(request.url, m_options.allow_insecure_loopback); !allowed) {
    return fail(allowed.error());
  }
  std::string url = request.url;
  std::string bearer = request.bearer;
  if (bearer.empty() && !m_options.github_token.empty() && origin_of(url) == origin_of(m_options.github_api)) {
    bearer = m_options.github_token;
  }
  const std::string first_host = origin_of(url);
  for (int hop = 0;; ++hop) {
    util::Sha256 hash;  // per hop: a redirect's own body is not the blob
    Exchange ex;
    ex.limit = request.max_bytes;
    ex.digest = digest;
    ex.hash = &hash;
    if (digest != nullptr) *digest = {};
    std::unique_ptr<CURL, decltype(&::curl_easy_cleanup)> curl(fetch::curl_api().easy_init(),
                                                               fetch::curl_api().easy_cleanup);
    if (!curl) return fail(ErrorKind::internal, "curl_easy_init failed");
    CURL* h = curl.get();
    bool plain = url.rfind("http://", 0) == 0;
    curl_slist* list = nullptr;
    std::unique_ptr<curl_slist, decltype(&::curl_slist_free_all)> headers(nullptr, fetch::curl_api().slist_free_all);
    auto add = [&](const std::string& line) { list = fetch::curl_api().slist_append(list, line.c_str()); };
    add("Accept: " + request.accept);
    add("Accept-Encoding: identity");
    // A token never follows a redirect to another host (release assets live elsewhere).
    if (!bearer.empty() && origin_of(url) == first_host) add("Authorization: Bearer " + bearer);
    for (const auto& [name, value] : extra_headers) add(fmt::format("{}: {}", name, value));
    headers.reset(list);
    char error[CURL_ERROR_SIZE] = {};
    fetch::curl_api().easy_setopt(h, CURLOPT_URL, url.c_str());
    fetch::curl_api().easy_setopt(h, CURLOPT_PROTOCOLS_STR, plain ? "http" : "https");
    fetch::curl_api().easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    fetch::curl_api().easy_setopt(h, CURLOPT_USERAGENT, "tailor/" TAILOR_VERSION);
    fetch::curl_api().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 30'000L);
    fetch::curl_api().easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.timeout.count()));
    fetch::curl_api().easy_setopt(h, CURLOPT_HTTPHEADER, list);
    fetch::curl_api().easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    fetch::curl_api().easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    fetch::curl_api().easy_setopt(h, CURLOPT_HEADERDATA, &ex);
    fetch::curl_api().easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    fetch::curl_api().easy_setopt(h, CURLOPT_WRITEDATA, &ex);
    fetch::curl_api().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (!m_options.ca_bundle.empty()) fetch::curl_api().easy_setopt(h, CURLOPT_CAINFO, m_options.ca_bundle.c_str());
    CURLcode code = fetch::curl_api().easy_perform(h);
    if (ex.too_large) {
      return fail(ErrorKind::invalid_input, "{}: response larger than {} bytes, refused", url, request.max_bytes);
    }
    if (code != CURLE_OK) {
      return fail(ErrorKind::network, "GET {} failed: {}", url,
                  error[0] != '\0' ? error : fetch::curl_api().easy_strerror(code));
    }
    ApiResponse response;
    fetch::curl_api().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    response.headers = std::move(ex.headers);
    response.body = std::move(ex.body);
    if (response.status >= 300 && response.status < 400 && response.status != 304) {
      char* target = nullptr;
      fetch::curl_api().easy_getinfo(h, CURLINFO_REDIRECT_URL, &target);
      if (target == nullptr)
        return fail(ErrorKind::network, "GET {}: HTTP {} without a Location", url, response.status);
      if (hop + 1 > k_max_redirects)
        return fail(ErrorKind::network, "GET {}: more than {} redirects", request.url, k_max_redirects);
      std::string next = target;
      if (next.rfind("https://", 0) != 0)
        return fail(ErrorKind::network, "refused redirect to a non-HTTPS URL {}", next);
      if (auto ok = check_redirect_host(next); !ok) return fail(ok.error());
      url = next;
      continue;
    }
    auto encoding = util::to_lower(response.header("content-encoding"));
    if (!encoding.empty() && encoding != "identity") {
      return fail(ErrorKind::network, "GET {}: refused Content-Encoding '{}'", url, encoding);
    }
    if ((response.status == 403 || response.status == 429) && response.header("x-ratelimit-remaining") == "0") {
      bool github = origin_of(request.url) == origin_of(m_options.github_api);
      return fail(
          ErrorKind::network, "{} rate limit exceeded (HTTP {} for {}); it resets {}.{}",
          github ? "GitHub API" : origin_of(request.url), response.status, request.url,
          format_reset(response.header("x-ratelimit-reset")),
          github && m_options.github_token.empty()
              ? " Set GITHUB_TOKEN (or GH_TOKEN) to raise the limit; unauthenticated use allows 60 requests per hour."
              : "");
    }
    if (response.status == 429) {
      return fail(ErrorKind::network, "{} is rate limiting requests (HTTP 429 for {}){}", origin_of(request.url),
                  request.url,
                  response.header("retry-after").empty() ? "" : "; retry after " + response.header("retry-after"));
    }
    if (digest != nullptr) digest->sha256 = hash.hex_digest();
    return response;
  }
}

Result<ApiResponse> ApiClient::get(const ApiRequest& request) {
  const bool use_cache = request.cacheable && !m_options.cache_dir.empty();
  if (m_options.offline) {
    auto entry = use_cache ? load_cached_response(m_options.cache_dir, request.url) : std::nullopt;
    if (!entry) return fail(ErrorKind::network, "offline, and no cached answer for {}", request.url);
    if (auto& answers = m_options.offline_answers) {
      ++answers->count;
      if (answers->oldest_fetched_at == 0 || entry->fetched_at < answers->oldest_fetched_at)
        answers->oldest_fetched_at = entry->fetched_at;
    }
    return ApiResponse{200, entry->body, entry->headers, true};
  }
  std::optional<CachedResponse> cached;
  if (use_cache && !m_options.refresh) cached = load_cached_response(m_options.cache_dir, request.url);
  const int64_t now = now_seconds();
  if (cached && now - cached->fetched_at < m_options.cache_ttl.count() && now >= cached->fetched_at) {
    return ApiResponse{200, cached->body, cached->headers, true};
  }
  std::map<std::string, std::string> conditional;
  if (cached && !cached->etag.empty()) conditional["If-None-Match"] = cached->etag;
  if (cached && !cached->last_modified.empty()) conditional["If-Modified-Since"] = cached->last_modified;
  auto response = perform(request, conditional, nullptr);
  if (!response) return response;
  if (response->status == 304 && cached) {
    cached->fetched_at = now;
    store_cached_response(m_options.cache_dir, *cached);
    return ApiResponse{200, cached->body, cached->headers, true};
  }
  if (response->status == 200 && use_cache) {
    CachedResponse entry;
    entry.url = request.url;
    entry.body = response->body;
    entry.etag = response->header("etag");
    entry.last_modified = response->header("last-modified");
    for (const char* keep : {"link", "content-type"}) {
      if (auto value = response->header(keep); !value.empty()) entry.headers[keep] = value;
    }
    entry.fetched_at = now;
    store_cached_response(m_options.cache_dir, entry);
  }
  return response;
}

Result<ApiResponse> ApiClient::get_uncached(const ApiRequest& request,
                                            const std::map<std::string, std::string>& headers) {
  return perform(request, headers, nullptr);
}

Result<nlohmann::json> ApiClient::get_json(const ApiRequest& request, std::string_view what) {
  auto response = get(request);
  if (!response) return fail(response.error());
  if (response->status == 404) return fail(ErrorKind::version, "{} not found (HTTP 404 from {})", what, request.url);
  if (response->status != 200) {
    return fail(ErrorKind::network, "{}: HTTP {} from {}", what, response->status, request.url);
  }
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (doc.is_discarded()) return fail(ErrorKind::network, "{}: {} did not return valid JSON", what, request.url);
  return doc;
}

Result<BlobDigest> ApiClient::digest(const ApiRequest& request) {
  BlobDigest out;
  auto response = perform(request, {}, &out);
  if (!response) return fail(response.error());
  if (response->status != 200) return fail(ErrorKind::network, "GET {}: HTTP {}", request.url, response->status);
  return out;
}

}  // namespace tailor::version
