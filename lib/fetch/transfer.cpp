#include "fetch/transfer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <strings.h>
#include <unistd.h>

#include "config/values.hpp"
#include "fetch/url.hpp"
#include "util/strings.hpp"

namespace tailor::fetch {
namespace {

bool header_is(std::string_view line, std::string_view name) {
  return line.size() > name.size() && line[name.size()] == ':' &&
         ::strncasecmp(line.data(), name.data(), name.size()) == 0;
}

std::string header_value(std::string_view line, std::string_view name) {
  return std::string(util::trim(line.substr(name.size() + 1)));
}

}  // namespace

Result<std::unique_ptr<Transfer>> Transfer::create(const TransferSpec& spec, const FetchConfig& config,
                                                   std::optional<TempFile> file) {
  if (auto allowed = check_url_allowed(spec.url, config.allow_insecure_loopback); !allowed) {
    return fail(allowed.error());
  }
  std::unique_ptr<Transfer> t(new Transfer());
  t->m_spec = spec;
  t->m_file = std::move(file);
  t->m_curl = curl_api().easy_init();
  if (t->m_curl == nullptr) return fail(ErrorKind::internal, "curl_easy_init failed");
  CURL* h = t->m_curl;
  bool plain_loopback = spec.url.rfind("http://", 0) == 0;
  curl_api().easy_setopt(h, CURLOPT_URL, spec.url.c_str());
  curl_api().easy_setopt(h, CURLOPT_PROTOCOLS_STR, plain_loopback ? "http" : "https");
  // Every redirect hop must stay on HTTPS, even from a loopback test server.
  curl_api().easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_api().easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_api().easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_api().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout.count()));
  // A stall rule instead of a total timeout, so large artifacts on slow links still finish.
  // curl's LOW_SPEED check averages over several seconds and misses a stall right after a
  // burst, so progress is watched here: no new byte for stall_timeout aborts the attempt.
  t->m_stall_timeout = config.stall_timeout;
  t->m_limit_text = size_limit_text(config);
  t->m_last_progress = std::chrono::steady_clock::now();
  curl_api().easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_api().easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &Transfer::on_progress);
  curl_api().easy_setopt(h, CURLOPT_XFERINFODATA, t.get());
  curl_api().easy_setopt(h, CURLOPT_USERAGENT, "tailor/" TAILOR_VERSION);
  curl_api().easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024L);
  curl_api().easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(spec.limit));
  if (spec.head) curl_api().easy_setopt(h, CURLOPT_NOBODY, 1L);
  if (!config.ca_bundle.empty()) curl_api().easy_setopt(h, CURLOPT_CAINFO, config.ca_bundle.c_str());
  // A transparently decoded body would not match its checksum, so ask for the bytes as stored.
  t->m_headers = curl_api().slist_append(t->m_headers, "Accept-Encoding: identity");
  for (const std::string& header : spec.headers) t->m_headers = curl_api().slist_append(t->m_headers, header.c_str());
  if (!spec.bearer_token.empty()) {
    std::string auth = "Authorization: Bearer " + spec.bearer_token;
    t->m_headers = curl_api().slist_append(t->m_headers, auth.c_str());
  }
  curl_api().easy_setopt(h, CURLOPT_HTTPHEADER, t->m_headers);
  curl_api().easy_setopt(h, CURLOPT_ERRORBUFFER, t->m_error);
  curl_api().easy_setopt(h, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_api().easy_setopt(h, CURLOPT_HEADERDATA, t.get());
  curl_api().easy_setopt(h, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_api().easy_setopt(h, CURLOPT_WRITEDATA, t.get());
  curl_api().easy_setopt(h, CURLOPT_PRIVATE, t.get());
  // A redirect hop must not lead into the local network (docs/downloads.md, "What every download does"; the first URL
  // may: internal mirrors). Checked on the address curl really connected to, so DNS cannot change it later.
  t->m_allow_loopback_hops = config.allow_insecure_loopback;
  curl_api().easy_setopt(h, CURLOPT_PREREQFUNCTION, &Transfer::on_connected);
  curl_api().easy_setopt(h, CURLOPT_PREREQDATA, t.get());
  return t;
}

Transfer::~Transfer() {
  if (m_curl != nullptr) curl_api().easy_cleanup(m_curl);
  curl_api().slist_free_all(m_headers);
}

uint64_t Transfer::total() const {
  long status = 0;
  curl_api().easy_getinfo(m_curl, CURLINFO_RESPONSE_CODE, &status);
  curl_off_t length = -1;
  curl_api().easy_getinfo(m_curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  return status >= 200 && status < 300 && length > 0 ? static_cast<uint64_t>(length) : 0;
}

size_t Transfer::on_header(char* data, size_t size, size_t count, void* self) {
  auto* t = static_cast<Transfer*>(self);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a redirect): forget the last one's headers
    t->m_retry_after.clear();
    t->m_content_encoding.clear();
    t->m_rate_limit_exhausted = false;
    t->m_location.clear();
    t->m_etag.clear();
    t->m_last_modified.clear();
  } else if (header_is(line, "ETag")) {
    t->m_etag = header_value(line, "ETag");
  } else if (header_is(line, "Last-Modified")) {
    t->m_last_modified = header_value(line, "Last-Modified");
  } else if (header_is(line, "Location")) {
    t->m_location = header_value(line, "Location");
  } else if (header_is(line, "Retry-After")) {
    t->m_retry_after = header_value(line, "Retry-After");
  } else if (header_is(line, "Content-Encoding")) {
    t->m_content_encoding = util::to_lower(header_value(line, "Content-Encoding"));
  } else if (header_is(line, "X-RateLimit-Remaining")) {
    t->m_rate_limit_exhausted = header_value(line, "X-RateLimit-Remaining") == "0";
  }
  return size * count;
}

int Transfer::on_progress(void* self, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(self);
  auto now = std::chrono::steady_clock::now();
  if (downloaded != t->m_last_downloaded) {
    t->m_last_downloaded = downloaded;
    t->m_last_progress = now;
    return 0;
  }
  if (now - t->m_last_progress < t->m_stall_timeout) return 0;
  t->m_stalled = true;
  return 1;  // aborts the transfer with CURLE_ABORTED_BY_CALLBACK
}

int Transfer::on_connected(void* self, char* primary_ip, char* /*local_ip*/, int /*primary_port*/, int /*local_port*/) {
  auto* t = static_cast<Transfer*>(self);
  long redirects = 0;
  curl_api().easy_getinfo(t->m_curl, CURLINFO_REDIRECT_COUNT, &redirects);
  if (redirects == 0 || !is_internal_address(primary_ip)) return CURL_PREREQFUNC_OK;
  // Tests serve every hop from 127.0.0.1; TAILOR_ALLOW_INSECURE_LOOPBACK=1 lets loopback (only) through.
  if (t->m_allow_loopback_hops && is_loopback_host(primary_ip)) return CURL_PREREQFUNC_OK;
  t->m_refused_address = primary_ip;
  return CURL_PREREQFUNC_ABORT;
}

size_t Transfer::on_body(char* data, size_t size, size_t count, void* self) {
  return static_cast<Transfer*>(self)->write_body(data, size * count);
}

size_t Transfer::write_body(const char* data, size_t size) {
  long status = 0;
  curl_api().easy_getinfo(m_curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) return size;  // an error page: not part of the artifact
  if (!m_content_encoding.empty() && m_content_encoding != "identity") {
    m_bad_encoding = true;
    return 0;
  }
  if (m_bytes + size > m_spec.limit) {
    m_too_large = true;
    return 0;
  }
  m_hash.update(data, size);
  m_bytes += size;
  if (!m_file) {
    m_text.append(data, size);
    return size;
  }
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(m_file->fd(), data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      m_write_failed = true;
      std::snprintf(m_error, sizeof m_error, "cannot write %s: %s", m_file->path().c_str(), std::strerror(errno));
      return 0;
    }
    done += static_cast<size_t>(n);
  }
  return size;
}

AttemptReport Transfer::finish(CURLcode code) {
  AttemptReport report;
  report.bytes = m_bytes;
  curl_api().easy_getinfo(m_curl, CURLINFO_RESPONSE_CODE, &report.status);
  std::string curl_text = m_error[0] != '\0' ? std::string(m_error) : std::string(curl_api().easy_strerror(code));
  if (m_write_failed) {
    report.kind = OutcomeKind::refused;
    report.local_error = true;
    report.detail = curl_text;
  } else if (m_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    report.kind = OutcomeKind::too_large;
    report.detail = m_spec.limit_is_plan_size
                        ? fmt::format("body is larger than the plan's size of {} bytes", m_spec.limit)
                        : fmt::format("body is larger than {}", m_limit_text);
  } else if (m_bad_encoding) {
    report.kind = OutcomeKind::corrupt;
    report.detail = fmt::format("served Content-Encoding: {} (tailor asks for identity)", m_content_encoding);
  } else if (!m_refused_address.empty()) {
    char* target = nullptr;
    curl_api().easy_getinfo(m_curl, CURLINFO_EFFECTIVE_URL, &target);
    report.kind = OutcomeKind::refused;
    report.detail = fmt::format("refused redirect to {}: it leads to the local or private address {}",
                                target != nullptr ? target : "", m_refused_address);
  } else if (code == CURLE_UNSUPPORTED_PROTOCOL) {
    // The Location header is what the server asked for; curl's own idea of the target is
    // the fallback (it may be unset once a hop is refused).
    std::string target = m_location;
    if (char* redirect = nullptr; target.empty() &&
                                  curl_api().easy_getinfo(m_curl, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK &&
                                  redirect != nullptr) {
      target = redirect;
    }
    report.kind = OutcomeKind::refused;
    report.detail = fmt::format("refused redirect from {} to {}: not HTTPS (every redirect hop must stay on HTTPS)",
                                m_spec.url, target.empty() ? "a non-HTTPS URL" : target);
  } else if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE) {
    report.kind = OutcomeKind::refused;
    report.detail = fmt::format(
        "TLS verification failed ({}); set TAILOR_CA_BUNDLE to a PEM file with the "
        "right CA for internal mirrors",
        curl_text);
  } else if (code == CURLE_TOO_MANY_REDIRECTS) {
    report.kind = OutcomeKind::refused;
    report.detail = "too many redirects (more than 10)";
  } else if (m_stalled) {
    report.kind = OutcomeKind::host_down;
    report.detail = fmt::format("stalled: no data for {} after {} bytes (network.stall_timeout; TAILOR_STALL_TIMEOUT)",
                                config::format_duration(m_stall_timeout), m_bytes);
  } else if (code != CURLE_OK) {
    report.kind = OutcomeKind::host_down;
    report.detail = curl_text;
  } else {
    report.kind = classify_status(report.status, m_retry_after, m_rate_limit_exhausted);
    report.detail = fmt::format("HTTP {}", report.status);
    if (report.kind == OutcomeKind::busy) {
      report.retry_after = parse_retry_after(m_retry_after, std::chrono::system_clock::now());
      if (report.retry_after.count() < 0)
        report.kind = OutcomeKind::transient;  // unparsable: plain backoff
      else
        report.detail += fmt::format(" (Retry-After: {})", m_retry_after);
    }
    if (report.kind == OutcomeKind::ok) report.sha256 = m_hash.hex_digest();
  }
  return report;
}

}  // namespace tailor::fetch
