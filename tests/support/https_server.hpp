#pragma once
// A real HTTPS (or plain HTTP) server on 127.0.0.1 for tests, scriptable per request.
//
//   HttpsServer server;                                   // TLS, CA made at test time
//   server.add("/tool.tar.gz", bytes);                    // GET serves these bytes
//   server.script("/tool.tar.gz", {Reply::retry_after(503, "1"), Reply::serve()});
//   curl_easy_setopt(h, CURLOPT_CAINFO, server.ca_file().c_str());
//   fetch(server.url("/tool.tar.gz"));
//   CHECK(server.request_lines() == std::vector<std::string>{"GET /tool.tar.gz", "GET /tool.tar.gz"});
//
// Each path has a queue of scripted replies consumed one per request; once the queue is
// empty the path is served normally (registered bytes, else 404). Every request is recorded.
// The server listens on an ephemeral port from construction until destruction.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tailor::test {

using Clock = std::chrono::steady_clock;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// What the server does with one request.
struct Reply {
  enum class Kind {
    serve,     // the registered bytes (404 when none)
    status,    // `status` with `headers` and `body`
    close,     // close the connection without sending any response
    stall,     // send the first half of the body, pause `delay`, send the rest
    slow,      // send the body in 20 pieces spread over `delay`
    corrupt,   // the registered bytes with one byte changed (same length)
    truncate,  // announce the full Content-Length, send `bytes` bytes, close
    hold,      // send the first half of the body, then wait for release_held() (or shutdown)
  };
  Kind kind = Kind::serve;
  int status = 200;
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds delay{0};
  std::size_t bytes = 0;

  static Reply serve();
  static Reply status_code(int status, HeaderList headers = {}, std::string body = {});
  // `status` (503 or 429) with `Retry-After: value` (seconds or an HTTP-date).
  static Reply retry_after(int status, std::string value);
  static Reply redirect(std::string location, int status = 302);
  static Reply close();
  static Reply stall(std::chrono::milliseconds pause);
  static Reply slow(std::chrono::milliseconds total);
  static Reply corrupt();
  static Reply truncate(std::size_t bytes_sent);
  static Reply hold();
};

struct RecordedRequest {
  Clock::time_point time;
  std::string method;
  std::string path;  // without the query string
  HeaderList headers;
  Reply::Kind answered = Reply::Kind::serve;
  // The first value of header `name` (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
};

// An RFC 7231 HTTP-date for now + `seconds` (for Retry-After tests).
std::string http_date_in(int seconds);

// A URL on 127.0.0.1 whose port has no listener: connections are refused.
std::string dead_base_url(bool https = true);

class HttpsServer {
 public:
  enum class Transport { tls, plain };

  explicit HttpsServer(Transport transport = Transport::tls);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // "https://127.0.0.1:PORT" (or "http://..." for Transport::plain).
  std::string base_url() const;
  // base_url() + path; `path` starts with '/'.
  std::string url(std::string_view path) const;
  int port() const;
  // The CA certificate (PEM) that signs this server's certificate; empty for plain HTTP.
  const std::filesystem::path& ca_file() const;

  // Registers what GET (or POST) `path` serves.
  void add(const std::string& path, std::string bytes, std::string content_type = "application/octet-stream");
  // Like add, and the bytes carry `ETag: etag` (quoted, as servers send it); a GET or HEAD
  // with `If-None-Match: etag` is answered 304 without a body.
  void add_with_etag(const std::string& path, std::string bytes, std::string etag);
  void add_json(const std::string& path, std::string json_text);
  void add_file(const std::string& path, const std::filesystem::path& file);

  // Appends replies to the queue of `path`.
  void script(const std::string& path, std::vector<Reply> replies);

  // Every request so far, in arrival order.
  std::vector<RecordedRequest> requests() const;
  // "METHOD /path" for every request so far, in arrival order.
  std::vector<std::string> request_lines() const;
  void clear_requests();
  // Waits until at least `count` requests arrived; false on timeout.
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;

  // Waits until at least `count` Reply::hold replies have sent their first half and are
  // waiting (a client is then mid-download); false on timeout.
  bool wait_for_held(std::size_t count, std::chrono::milliseconds timeout) const;
  // Lets every Reply::hold reply, waiting now or arriving later, send the rest of its body.
  void release_held();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tailor::test
