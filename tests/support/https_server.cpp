#include "support/https_server.hpp"

#include <strings.h>
#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/scratch.hpp"
#include "support/test_ca.hpp"

namespace tailor::test {
namespace fs = std::filesystem;

Reply Reply::serve() { return Reply{}; }

Reply Reply::status_code(int status, HeaderList headers, std::string body) {
  Reply reply;
  reply.kind = Kind::status;
  reply.status = status;
  reply.headers = std::move(headers);
  reply.body = std::move(body);
  return reply;
}

Reply Reply::retry_after(int status, std::string value) {
  return status_code(status, {{"Retry-After", std::move(value)}}, "busy\n");
}

Reply Reply::redirect(std::string location, int status) {
  return status_code(status, {{"Location", std::move(location)}});
}

Reply Reply::close() {
  Reply reply;
  reply.kind = Kind::close;
  return reply;
}

Reply Reply::stall(std::chrono::milliseconds pause) {
  Reply reply;
  reply.kind = Kind::stall;
  reply.delay = pause;
  return reply;
}

Reply Reply::slow(std::chrono::milliseconds total) {
  Reply reply;
  reply.kind = Kind::slow;
  reply.delay = total;
  return reply;
}

Reply Reply::corrupt() {
  Reply reply;
  reply.kind = Kind::corrupt;
  return reply;
}

Reply Reply::truncate(std::size_t bytes_sent) {
  Reply reply;
  reply.kind = Kind::truncate;
  reply.bytes = bytes_sent;
  return reply;
}

Reply Reply::hold() {
  Reply reply;
  reply.kind = Kind::hold;
  return reply;
}

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  }
  return {};
}

std::string http_date_in(int seconds) {
  std::time_t when = std::time(nullptr) + seconds;
  std::tm tm{};
  ::gmtime_r(&when, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

std::string dead_base_url(bool https) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("dead_base_url: cannot bind a loopback socket");
  }
  int port = ntohs(addr.sin_port);
  ::close(fd);  // bound but never listening, now closed: connections are refused
  return std::string(https ? "https" : "http") + "://127.0.0.1:" + std::to_string(port);
}

namespace {

struct Resource {
  std::shared_ptr<const std::string> bytes;
  std::string content_type;
  std::string etag;  // sent with the bytes; If-None-Match with it gets 304
};

int port_of(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  return -1;
}

// httplib offers no way to drop a connection from a handler, so find the accepted socket
// by its two ports and shut it down; the response httplib then writes goes nowhere.
void drop_connection(int local_port, int remote_port) {
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    int fd = std::atoi(entry.path().filename().c_str());
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t len = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 || port_of(local) != local_port) continue;
    len = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 || port_of(peer) != remote_port) continue;
    ::shutdown(fd, SHUT_RDWR);
  }
}

constexpr std::size_t k_chunk = 256 * 1024;

}  // namespace

struct HttpsServer::Impl {
  Transport transport = Transport::tls;
  TestCertificates certs;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  int port = 0;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;  // new request recorded, or stopping
  bool stopping = false;
  std::map<std::string, Resource> resources;
  std::map<std::string, std::deque<Reply>> scripts;
  std::vector<RecordedRequest> log;
  std::size_t held_count = 0;  // Reply::hold replies that reached their pause
  bool held_released = false;

  // Sleeps up to `pause`; returns false when the server is stopping.
  bool pause_for(std::chrono::milliseconds pause) {
    std::unique_lock lock(mutex);
    return !changed.wait_for(lock, pause, [this] { return stopping; });
  }

  // Sleeps until release_held(); returns false when the server is stopping.
  bool pause_until_released() {
    {
      std::lock_guard lock(mutex);
      ++held_count;
    }
    changed.notify_all();
    std::unique_lock lock(mutex);
    changed.wait(lock, [this] { return held_released || stopping; });
    return !stopping;
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    Reply reply;
    Resource resource;
    {
      std::lock_guard lock(mutex);
      auto queue = scripts.find(req.path);
      if (queue != scripts.end() && !queue->second.empty()) {
        reply = std::move(queue->second.front());
        queue->second.pop_front();
      }
      RecordedRequest record{Clock::now(), req.method, req.path, {}, reply.kind};
      for (const auto& [key, value] : req.headers) record.headers.emplace_back(key, value);
      log.push_back(std::move(record));
      if (auto found = resources.find(req.path); found != resources.end()) resource = found->second;
    }
    changed.notify_all();
    respond(req, res, reply, resource);
  }

  void respond(const httplib::Request& req, httplib::Response& res, const Reply& reply, const Resource& resource) {
    if (reply.kind == Reply::Kind::status) {
      res.status = reply.status;
      std::string content_type = "text/plain";
      for (const auto& [key, value] : reply.headers) {
        // set_content adds its own Content-Type; a scripted one replaces it rather than doubling it.
        if (::strcasecmp(key.c_str(), "Content-Type") == 0)
          content_type = value;
        else
          res.set_header(key, value);
      }
      res.set_content(reply.body, content_type);
      return;
    }
    if (reply.kind == Reply::Kind::close) {
      drop_connection(port, req.remote_port);
      res.status = 500;
      return;
    }
    if (!resource.bytes) {
      res.status = 404;
      res.set_content("not found\n", "text/plain");
      return;
    }
    if (!resource.etag.empty()) {
      res.set_header("ETag", resource.etag);
      if (reply.kind == Reply::Kind::serve && req.get_header_value("If-None-Match") == resource.etag) {
        res.status = 304;
        return;
      }
    }
    std::shared_ptr<const std::string> bytes = resource.bytes;
    if (reply.kind == Reply::Kind::corrupt) {
      auto changed_bytes = std::make_shared<std::string>(*bytes);
      if (changed_bytes->empty()) changed_bytes->push_back('\0');
      (*changed_bytes)[changed_bytes->size() / 2] ^= 0x5a;
      bytes = std::move(changed_bytes);
    }
    std::size_t size = bytes->size();
    std::size_t send_limit = reply.kind == Reply::Kind::truncate ? std::min(reply.bytes, size) : size;
    const bool pauses = reply.kind == Reply::Kind::stall || reply.kind == Reply::Kind::hold;
    std::size_t pause_at = pauses ? size / 2 : size + 1;
    std::size_t piece = reply.kind == Reply::Kind::slow ? std::max<std::size_t>(1, size / 20) : k_chunk;
    auto paused = std::make_shared<bool>(false);
    res.set_content_provider(
        size, resource.content_type,
        [this, bytes, send_limit, pause_at, piece, paused, reply](std::size_t offset, std::size_t,
                                                                  httplib::DataSink& sink) {
          if (offset >= send_limit) return false;  // truncate: announce more than we send, then close
          if (offset == pause_at && !*paused) {
            *paused = true;
            bool go_on = reply.kind == Reply::Kind::hold ? pause_until_released() : pause_for(reply.delay);
            if (!go_on) return false;
          }
          std::size_t end = std::min({offset + piece, send_limit, offset < pause_at ? pause_at : send_limit});
          if (!sink.write(bytes->data() + offset, end - offset)) return false;
          if (reply.kind == Reply::Kind::slow && end < send_limit) return pause_for(reply.delay / 20);
          return true;
        });
  }
};

HttpsServer::HttpsServer(Transport transport) : m_impl(std::make_unique<Impl>()) {
  std::signal(SIGPIPE, SIG_IGN);  // writes to a socket the client closed must fail, not kill the test
  Impl& impl = *m_impl;
  impl.transport = transport;
  if (transport == Transport::tls) {
    impl.certs = write_test_certificates(fresh_dir("https-server-certs"));
    impl.server = std::make_unique<httplib::SSLServer>(impl.certs.cert_file.c_str(), impl.certs.key_file.c_str());
  } else {
    impl.server = std::make_unique<httplib::Server>();
  }
  if (!impl.server->is_valid()) throw std::runtime_error("HttpsServer: cannot set up the server (TLS files?)");
  impl.server->set_keep_alive_timeout(1);
  impl.server->Get(".*", [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
  // POSTs (webhook deliveries) are recorded and answered the same way.
  impl.server->Post(".*", [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
  impl.port = impl.server->bind_to_any_port("127.0.0.1");
  if (impl.port <= 0) throw std::runtime_error("HttpsServer: cannot bind 127.0.0.1");
  impl.thread = std::thread([&impl] { impl.server->listen_after_bind(); });
  while (!impl.server->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

HttpsServer::~HttpsServer() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->stopping = true;
  }
  m_impl->changed.notify_all();
  m_impl->server->stop();
  if (m_impl->thread.joinable()) m_impl->thread.join();
}

std::string HttpsServer::base_url() const {
  return std::string(m_impl->transport == Transport::tls ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(m_impl->port);
}

std::string HttpsServer::url(std::string_view path) const { return base_url() + std::string(path); }

int HttpsServer::port() const { return m_impl->port; }

const fs::path& HttpsServer::ca_file() const { return m_impl->certs.ca_file; }

void HttpsServer::add(const std::string& path, std::string bytes, std::string content_type) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->resources[path] = Resource{std::make_shared<const std::string>(std::move(bytes)), std::move(content_type)};
}

void HttpsServer::add_with_etag(const std::string& path, std::string bytes, std::string etag) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->resources[path] =
      Resource{std::make_shared<const std::string>(std::move(bytes)), "application/octet-stream", std::move(etag)};
}

void HttpsServer::add_json(const std::string& path, std::string json_text) {
  add(path, std::move(json_text), "application/json");
}

void HttpsServer::add_file(const std::string& path, const fs::path& file) { add(path, read_text(file)); }

void HttpsServer::script(const std::string& path, std::vector<Reply> replies) {
  std::lock_guard lock(m_impl->mutex);
  auto& queue = m_impl->scripts[path];
  for (auto& reply : replies) queue.push_back(std::move(reply));
}

std::vector<RecordedRequest> HttpsServer::requests() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->log;
}

std::vector<std::string> HttpsServer::request_lines() const {
  std::vector<std::string> lines;
  for (const auto& request : requests()) lines.push_back(request.method + " " + request.path);
  return lines;
}

void HttpsServer::clear_requests() {
  std::lock_guard lock(m_impl->mutex);
  m_impl->log.clear();
}

bool HttpsServer::wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_impl->mutex);
  return m_impl->changed.wait_for(lock, timeout, [&] { return m_impl->log.size() >= count || m_impl->stopping; }) &&
         m_impl->log.size() >= count;
}

bool HttpsServer::wait_for_held(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_impl->mutex);
  return m_impl->changed.wait_for(lock, timeout, [&] { return m_impl->held_count >= count || m_impl->stopping; }) &&
         m_impl->held_count >= count;
}

void HttpsServer::release_held() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->held_released = true;
  }
  m_impl->changed.notify_all();
}

}  // namespace tailor::test
