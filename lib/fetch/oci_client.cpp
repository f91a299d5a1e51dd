#include "fetch/oci_client.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "fetch/curl_api.hpp"
#include "util/strings.hpp"

namespace tailor::fetch {
namespace {

constexpr std::string_view k_scheme = "oci://";

// Feeds a request body from memory or from a byte range of a file.
struct BodySource {
  const std::string* text = nullptr;
  std::ifstream file;
  uint64_t left = 0;
  std::size_t position = 0;
};

size_t read_body(char* buffer, size_t size, size_t count, void* self) {
  auto* source = static_cast<BodySource*>(self);
  size_t want = static_cast<size_t>(std::min<uint64_t>(size * count, source->left));
  if (want == 0) return 0;
  if (source->text != nullptr) {
    std::memcpy(buffer, source->text->data() + source->position, want);
  } else {
    source->file.read(buffer, static_cast<std::streamsize>(want));
    if (static_cast<size_t>(source->file.gcount()) != want) return CURL_READFUNC_ABORT;
  }
  source->position += want;
  source->left -= want;
  return want;
}

struct ReplySink {
  HttpReply* reply = nullptr;
  uint64_t limit = 0;
  bool too_large = false;
};

size_t write_reply(char* data, size_t size, size_t count, void* self) {
  auto* sink = static_cast<ReplySink*>(self);
  if (sink->reply->body.size() + size * count > sink->limit) {
    sink->too_large = true;
    return 0;
  }
  sink->reply->body.append(data, size * count);
  return size * count;
}

size_t on_reply_header(char* data, size_t size, size_t count, void* self) {
  auto* reply = static_cast<HttpReply*>(self);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    reply->headers.clear();
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    reply->headers.emplace_back(util::to_lower(util::trim(line.substr(0, colon))),
                                std::string(util::trim(line.substr(colon + 1))));
  }
  return size * count;
}

std::string url_escape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace

std::string OciLocation::reference(bool with_tag) const {
  std::string out = fmt::format("oci://{}/{}", host, repository);
  if (with_tag && !tag.empty()) out += ":" + tag;
  return out;
}

bool is_oci_url(std::string_view url) { return url.rfind(k_scheme, 0) == 0; }

bool valid_oci_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  if (!word(tag.front())) return false;
  return std::all_of(tag.begin(), tag.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

Result<OciLocation> parse_oci_url(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return fail(ErrorKind::usage, "invalid OCI reference {}: {} (expected oci://HOST[:PORT]/NAMESPACE[:TAG])", url,
                why);
  };
  if (!is_oci_url(url)) return bad("it does not start with oci://");
  std::string_view rest = url.substr(k_scheme.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return bad("no host and namespace");
  OciLocation out;
  out.host = std::string(rest.substr(0, slash));
  std::string_view path = rest.substr(slash + 1);
  if (auto colon = path.rfind(':'); colon != std::string_view::npos) {
    out.tag = std::string(path.substr(colon + 1));
    path = path.substr(0, colon);
    if (!valid_oci_tag(out.tag)) return bad("the tag is not [A-Za-z0-9_][A-Za-z0-9._-]*");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return bad("no namespace");
  for (const std::string& part : util::split(path, '/')) {
    bool ok = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
    if (!ok) return bad("namespace components are lowercase letters, digits, '.', '_' and '-'");
  }
  for (char c : out.host) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '-' && c != ':' && c != '[' && c != ']')
      return bad("the host is not a host name[:port]");
  }
  out.repository = std::string(path);
  return out;
}

std::string oci_blob_url(const OciLocation& where, std::string_view sha256) {
  return oci_blob_url_at(where.base_url(), where.repository, sha256);
}

std::string oci_blob_url_at(std::string_view base_url, std::string_view repository, std::string_view sha256) {
  return fmt::format("{}/v2/{}/blobs/sha256:{}", base_url, repository, sha256);
}

std::string oci_manifest_url_at(std::string_view base_url, std::string_view repository, std::string_view reference) {
  return fmt::format("{}/v2/{}/manifests/{}", base_url, repository, reference);
}

std::string oci_scope(std::string_view repository, std::string_view actions) {
  return fmt::format("repository:{}:{}", repository, actions);
}

std::string oci_token_url(std::string_view realm, std::string_view service, std::string_view scope) {
  std::string url(realm);
  url += realm.find('?') == std::string_view::npos ? '?' : '&';
  if (!service.empty()) url += "service=" + url_escape(service) + "&";
  return url + "scope=" + url_escape(scope);
}

std::string oci_token_of(const nlohmann::json& reply) {
  if (!reply.is_object()) return "";
  for (const char* key : {"token", "access_token"}) {
    if (auto found = reply.find(key); found != reply.end() && found->is_string() && !found->empty()) return *found;
  }
  return "";
}

std::optional<AuthChallenge> parse_www_authenticate(std::string_view value) {
  value = util::trim(value);
  auto space = value.find(' ');
  AuthChallenge out;
  out.scheme = util::to_lower(value.substr(0, space));
  if (out.scheme != "basic" && out.scheme != "bearer") return std::nullopt;
  std::string_view rest = space == std::string_view::npos ? std::string_view() : value.substr(space + 1);
  while (!rest.empty()) {
    rest = util::trim(rest);
    auto eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string key = util::to_lower(util::trim(rest.substr(0, eq)));
    rest = rest.substr(eq + 1);
    std::string item;
    if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        item += rest[i];
      }
      rest = i < rest.size() ? rest.substr(i + 1) : std::string_view();
    } else {
      auto comma = rest.find(',');
      item = std::string(util::trim(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma);
    }
    if (key == "realm") out.realm = item;
    if (key == "service") out.service = item;
    if (key == "scope") out.scope = item;
    rest = util::trim(rest);
    if (!rest.empty() && rest.front() == ',') rest.remove_prefix(1);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += k_alphabet[(n >> shift) & 63];
  }
  if (std::size_t left = bytes.size() - i; left > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (left == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += left == 2 ? k_alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string HttpReply::header(std::string_view name) const {
  std::string lower = util::to_lower(name);
  for (const auto& [key, value] : headers) {
    if (key == lower) return value;
  }
  return "";
}

OciClient::OciClient(OciLocation where, OciCredentials credentials, const FetchConfig& config)
    : m_where(std::move(where)), m_credentials(std::move(credentials)), m_config(config) {}

Result<HttpReply> OciClient::perform(const HttpCall& call) {
  if (auto allowed = check_url_allowed(call.url, m_config.allow_insecure_loopback); !allowed) {
    return fail(allowed.error());
  }
  ++m_requests;
  CURL* h = curl_api().easy_init();
  if (h == nullptr) return fail(ErrorKind::internal, "curl_easy_init failed");
  HttpReply reply;
  ReplySink sink{&reply, call.max_reply};
  BodySource body;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  const bool sends_body = call.method == "PUT" || call.method == "POST" || call.method == "PATCH";
  curl_api().easy_setopt(h, CURLOPT_URL, call.url.c_str());
  curl_api().easy_setopt(h, CURLOPT_PROTOCOLS_STR, call.url.rfind("http://", 0) == 0 ? "http" : "https");
  curl_api().easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  // Reads may be redirected to storage (docs/downloads.md rules); writes go to the registry itself.
  curl_api().easy_setopt(h, CURLOPT_FOLLOWLOCATION, sends_body ? 0L : 1L);
  curl_api().easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_api().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_config.connect_timeout.count()));
  curl_api().easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_api().easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                         static_cast<long>(std::max<int64_t>(1, m_config.stall_timeout.count() / 1000)));
  curl_api().easy_setopt(h, CURLOPT_USERAGENT, "tailor/" TAILOR_VERSION);
  curl_api().easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  if (!m_config.ca_bundle.empty()) curl_api().easy_setopt(h, CURLOPT_CAINFO, m_config.ca_bundle.c_str());
  headers = curl_api().slist_append(headers, "Expect:");
  for (const std::string& header : call.headers) headers = curl_api().slist_append(headers, header.c_str());
  curl_api().easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_api().easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_reply_header);
  curl_api().easy_setopt(h, CURLOPT_HEADERDATA, &reply);
  curl_api().easy_setopt(h, CURLOPT_WRITEFUNCTION, &write_reply);
  curl_api().easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  if (call.method == "HEAD") {
    curl_api().easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (sends_body) {
    if (!call.file.empty()) {
      body.file.open(call.file, std::ios::binary);
      if (!body.file) {
        curl_api().slist_free_all(headers);
        curl_api().easy_cleanup(h);
        return fail(ErrorKind::failure, "cannot read {}", call.file.string());
      }
      body.file.seekg(static_cast<std::streamoff>(call.offset));
      body.left = call.length;
    } else {
      body.text = &call.body;
      body.left = call.body.size();
    }
    curl_api().easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_api().easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    curl_api().easy_setopt(h, CURLOPT_READFUNCTION, &read_body);
    curl_api().easy_setopt(h, CURLOPT_READDATA, &body);
    curl_api().easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.left));
  } else if (call.method != "GET") {
    curl_api().easy_setopt(h, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }
  CURLcode code = curl_api().easy_perform(h);
  curl_api().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.status);
  std::string text = error[0] != '\0' ? std::string(error) : std::string(curl_api().easy_strerror(code));
  curl_api().slist_free_all(headers);
  curl_api().easy_cleanup(h);
  if (sink.too_large) {
    return fail(ErrorKind::network, "{} {}: the reply is larger than {} bytes", call.method, call.url, call.max_reply);
  }
  if (code != CURLE_OK) return fail(ErrorKind::network, "{} {}: {}", call.method, call.url, text);
  return reply;
}

Error OciClient::auth_failure(long status, std::string_view what) const {
  m_refused = true;
  std::string hint =
      m_credentials.secret.empty()
          ? "no credentials are configured; add username and secret to its [[mirrors]] entry"
          : (m_credentials.password.empty() ? fmt::format("secrets.{} is not set", m_credentials.secret)
                                            : fmt::format("check username and secrets.{}", m_credentials.secret));
  return Error{ErrorKind::network,
               fmt::format("registry {} refused access to {} (HTTP {}): bad or missing credentials; {}",
                           m_where.reference(false), what, status, hint)};
}

Result<std::string> OciClient::fetch_token(const AuthChallenge& challenge, const std::string& actions) {
  std::string scope = oci_scope(m_where.repository, actions);
  if (m_credentials.username.empty() && !m_credentials.password.empty()) {
    return "Authorization: Bearer " + m_credentials.password;  // a ready token
  }
  HttpCall call;
  call.url = oci_token_url(challenge.realm, challenge.service, scope);
  if (!m_credentials.username.empty()) {
    call.headers.push_back("Authorization: Basic " +
                           base64_encode(m_credentials.username + ":" + m_credentials.password));
  }
  auto reply = perform(call);
  if (!reply) return fail(reply.error());
  if (reply->status == 401 || reply->status == 403) return tl::unexpected(auth_failure(reply->status, call.url));
  if (reply->status != 200) {
    return fail(ErrorKind::network, "token request {} for registry {} answered HTTP {}", call.url,
                m_where.reference(false), reply->status);
  }
  auto doc = nlohmann::json::parse(reply->body, nullptr, false);
  std::string token = oci_token_of(doc);
  int64_t lifetime = 60;  // the distribution spec's default
  if (doc.is_object() && doc.contains("expires_in") && doc["expires_in"].is_number_integer()) {
    lifetime = std::max<int64_t>(doc["expires_in"].get<int64_t>(), 1);
  }
  if (token.empty()) return fail(ErrorKind::network, "token request {}: no token in the reply", call.url);
  // A little early, so a token is not sent in the second it expires.
  auto expires = std::chrono::steady_clock::now() + std::chrono::seconds(std::max<int64_t>(lifetime - 5, 1));
  m_tokens[scope] = Token{"Authorization: Bearer " + token, expires};
  return m_tokens[scope].header;
}

Result<std::string> OciClient::authorization(const std::string& actions) {
  m_refused = false;
  if (!m_probed) {
    HttpCall probe;
    probe.url = m_where.base_url() + "/v2/";
    auto reply = perform(probe);
    if (!reply) return fail(reply.error());
    if (reply->status == 401) {
      m_challenge = parse_www_authenticate(reply->header("www-authenticate"));
      if (!m_challenge) {
        return fail(ErrorKind::network, "registry {} answered 401 without a Basic or Bearer challenge",
                    m_where.reference(false));
      }
    } else if (reply->status != 200) {
      return fail(ErrorKind::network, "registry {} is not an OCI registry: GET /v2/ answered HTTP {}",
                  m_where.reference(false), reply->status);
    }
    m_probed = true;
  }
  if (!m_challenge) return std::string();
  if (m_challenge->scheme == "basic") {
    if (m_credentials.username.empty() || m_credentials.password.empty())
      return tl::unexpected(auth_failure(401, m_where.base_url() + "/v2/"));
    return "Authorization: Basic " + base64_encode(m_credentials.username + ":" + m_credentials.password);
  }
  std::string scope = oci_scope(m_where.repository, actions);
  if (auto found = m_tokens.find(scope);
      found != m_tokens.end() && found->second.expires > std::chrono::steady_clock::now()) {
    return found->second.header;
  }
  return fetch_token(*m_challenge, actions);
}

void OciClient::forget(const std::string& actions) { m_tokens.erase(oci_scope(m_where.repository, actions)); }

Result<HttpReply> OciClient::send(HttpCall call, const std::string& actions) {
  const std::size_t plain = call.headers.size();
  for (int attempt = 0;; ++attempt) {
    auto auth = authorization(actions);
    if (!auth) return fail(auth.error());
    call.headers.resize(plain);
    if (!auth->empty()) call.headers.push_back(*auth);
    auto reply = perform(call);
    if (!reply) return reply;
    if (reply->status != 401 || attempt == 1) return reply;
    forget(actions);  // an expired or revoked token: ask once more
  }
}

}  // namespace tailor::fetch
