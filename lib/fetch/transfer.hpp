#pragma once
// One download attempt of one URL as a libcurl easy handle: HTTPS-only redirects, timeouts,
// identity encoding, size caps, SHA-256 while streaming into a temp file (or memory).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fetch/curl_api.hpp"

#include "fetch/download_cache.hpp"
#include "fetch/fetch_config.hpp"
#include "fetch/outcome.hpp"
#include "util/result.hpp"

namespace tailor::fetch {

struct TransferSpec {
  std::string url;
  std::string bearer_token;          // sent as Authorization: Bearer when non-empty
  uint64_t limit = 0;                // refuse bodies larger than this
  bool limit_is_plan_size = false;   // the limit is the plan's size, not max_bytes
  bool head = false;                 // HEAD instead of GET: does the URL answer, or revalidation
  std::vector<std::string> headers;  // extra request headers, "Name: value"
};

struct AttemptReport {
  OutcomeKind kind = OutcomeKind::ok;
  long status = 0;                            // HTTP status; 0 without a response
  std::string detail;                         // what happened, for messages
  std::chrono::milliseconds retry_after{-1};  // busy: how long the host asked us to wait
  uint64_t bytes = 0;
  std::string sha256;        // of the body, when kind == ok
  bool local_error = false;  // writing our own file failed: not the host's fault
};

class Transfer {
 public:
  // `file` receives the body; without one the body is kept in memory (small documents).
  static Result<std::unique_ptr<Transfer>> create(const TransferSpec& spec, const FetchConfig& config,
                                                  std::optional<TempFile> file);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* handle() const { return m_curl; }
  const std::string& url() const { return m_spec.url; }
  uint64_t bytes() const { return m_bytes; }
  // Content-Length of the successful response; 0 while unknown.
  uint64_t total() const;
  // Interprets how curl finished; call once.
  AttemptReport finish(CURLcode code);
  TempFile& file() { return *m_file; }
  // The validators of the last response ("" when it sent none).
  const std::string& etag() const { return m_etag; }
  const std::string& last_modified() const { return m_last_modified; }
  std::string& text() { return m_text; }

 private:
  Transfer() = default;
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  static int on_progress(void* self, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t);
  static int on_connected(void* self, char* primary_ip, char* local_ip, int primary_port, int local_port);
  static size_t on_body(char* data, size_t size, size_t count, void* self);
  size_t write_body(const char* data, size_t size);

  CURL* m_curl = nullptr;
  curl_slist* m_headers = nullptr;
  TransferSpec m_spec;
  std::optional<TempFile> m_file;
  std::string m_text;
  Sha256 m_hash;
  uint64_t m_bytes = 0;
  std::string m_retry_after;
  std::string m_content_encoding;
  std::string m_location;  // the last response's Location header
  std::string m_etag;
  std::string m_last_modified;
  bool m_rate_limit_exhausted = false;
  bool m_too_large = false;
  bool m_write_failed = false;
  bool m_bad_encoding = false;
  char m_error[CURL_ERROR_SIZE] = {};
  std::chrono::milliseconds m_stall_timeout{60'000};
  std::string m_limit_text;  // how the size limit is named when a body exceeds it
  std::chrono::steady_clock::time_point m_last_progress{};
  curl_off_t m_last_downloaded = 0;
  bool m_stalled = false;
  bool m_allow_loopback_hops = false;
  std::string m_refused_address;  // a redirect hop connected here and was aborted
};

}  // namespace tailor::fetch
