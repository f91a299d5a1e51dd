#pragma once
// The one OCI distribution client (docs/fleets.md): `oci://HOST[:PORT]/NAMESPACE[:TAG]`
// references, registry authentication (anonymous, basic, and the bearer-token flow of
// `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, tokens cached per scope in memory for
// their lifetime, never written anywhere), and synchronous requests for pushing. Blob
// downloads run in the fetch engine like any mirror's; they take their Authorization header
// from here.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fetch/fetch_config.hpp"
#include "util/result.hpp"

namespace tailor::fetch {

struct OciLocation {
  std::string host;        // "host" or "host:port"
  std::string repository;  // "team/tools"
  std::string tag;         // "" unless the reference names one (oci://host/ns:TAG)
  std::string base_url() const { return "https://" + host; }
  // "oci://host/ns", or with ":tag" when `with_tag` and one is set.
  std::string reference(bool with_tag = true) const;
};

bool is_oci_url(std::string_view url);
// Parses `oci://HOST[:PORT]/NAMESPACE[:TAG]`; usage error when malformed.
Result<OciLocation> parse_oci_url(std::string_view url);
// https://HOST/v2/NAMESPACE/blobs/sha256:HEX
std::string oci_blob_url(const OciLocation& where, std::string_view sha256);
// The same for a registry given by its base URL ("https://ghcr.io"), as the Homebrew bottle
// lookup (lib/version/provider_homebrew.cpp) addresses GHCR.
std::string oci_blob_url_at(std::string_view base_url, std::string_view repository, std::string_view sha256);
std::string oci_manifest_url_at(std::string_view base_url, std::string_view repository, std::string_view reference);
// "repository:<repository>:<actions>", the scope of a bearer token.
std::string oci_scope(std::string_view repository, std::string_view actions);
// The token request of the bearer flow: `realm?service=…&scope=…`.
std::string oci_token_url(std::string_view realm, std::string_view service, std::string_view scope);
// Whether `tag` is a valid OCI tag: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}.
bool valid_oci_tag(std::string_view tag);

struct OciCredentials {
  std::string username;  // "" with a password: the password is a ready bearer token
  std::string password;  // the value of the mirror's secrets.<name>; "" when none
  std::string secret;    // the secret's name, for messages ("" when none configured)
};

// One WWW-Authenticate challenge.
struct AuthChallenge {
  std::string scheme;  // lowercase: "basic" or "bearer"
  std::string realm, service, scope;
};
std::optional<AuthChallenge> parse_www_authenticate(std::string_view value);

std::string base64_encode(std::string_view bytes);

// The token of a token service's reply (`token`, else `access_token`); "" when none.
std::string oci_token_of(const nlohmann::json& reply);

struct HttpReply {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string header(std::string_view name) const;           // "" when absent
};

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // request body (PUT, POST, PATCH) unless `file` is set
  std::filesystem::path file;        // request body: `length` bytes of this file from `offset`
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t max_reply = 1 << 20;  // refuse longer reply bodies
};

class OciClient {
 public:
  OciClient(OciLocation where, OciCredentials credentials, const FetchConfig& config);

  const OciLocation& where() const { return m_where; }
  // The Authorization header ("Authorization: …") for `actions` ("pull" or "pull,push") on
  // this repository; "" when the registry asks for none. Probes `GET /v2/` once per client.
  Result<std::string> authorization(const std::string& actions);
  // A request sent with the cached authorization was answered 401: drop it.
  void forget(const std::string& actions);
  // Sends `call` with the authorization for `actions`; a 401 refreshes it once.
  Result<HttpReply> send(HttpCall call, const std::string& actions);
  // Every HTTP request this client made (probes and token requests included).
  std::size_t requests() const { return m_requests; }
  // "registry oci://… refused access (HTTP 401): …" with what to check.
  Error auth_failure(long status, std::string_view what) const;
  // Whether the last failure of authorization() was the registry refusing the credentials
  // (not reaching it): a misconfiguration that failover must not hide.
  bool refused() const { return m_refused; }

 private:
  struct Token {
    std::string header;
    std::chrono::steady_clock::time_point expires;
  };
  Result<HttpReply> perform(const HttpCall& call);
  Result<std::string> fetch_token(const AuthChallenge& challenge, const std::string& actions);

  OciLocation m_where;
  OciCredentials m_credentials;
  const FetchConfig& m_config;
  bool m_probed = false;
  std::optional<AuthChallenge> m_challenge;  // nullopt after a probe: anonymous
  std::map<std::string, Token> m_tokens;     // by scope
  std::size_t m_requests = 0;
  mutable bool m_refused = false;
};

}  // namespace tailor::fetch
