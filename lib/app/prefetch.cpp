#include "app/prefetch.hpp"

#include <algorithm>

namespace tailor::app {

Prefetch::Prefetch(fetch::Downloader& inner, std::vector<fetch::FetchRequest> requests, std::size_t chunk)
    : m_inner(inner), m_requests(std::move(requests)), m_chunk(std::max<std::size_t>(chunk, 1)) {
  m_thread = std::thread([this] { run(); });
}

Prefetch::~Prefetch() {
  {
    std::lock_guard guard(m_mutex);
    m_stop = true;
  }
  m_thread.join();
}

void Prefetch::run() {
  // Each chunk twice the one before: the first tools start early, and the flushes stay few.
  for (std::size_t begin = 0, size = m_chunk; begin < m_requests.size(); begin += size, size *= 2) {
    {
      std::lock_guard guard(m_mutex);
      if (m_stop) return finish(fail(ErrorKind::failure, "the install ended before its downloads"));
    }
    auto end = m_requests.begin() + static_cast<std::ptrdiff_t>(std::min(begin + size, m_requests.size()));
    std::vector<fetch::FetchRequest> chunk(m_requests.begin() + static_cast<std::ptrdiff_t>(begin), end);
    Result<std::vector<fetch::FetchedFile>> files = fail(ErrorKind::internal, "not fetched");
    {
      std::lock_guard inner(m_inner_mutex);
      files = m_inner.fetch_all(chunk);
    }
    if (!files) return finish(fail(files.error()));
    std::lock_guard guard(m_mutex);
    for (std::size_t i = 0; i < chunk.size(); ++i) m_fetched[chunk[i].url] = (*files)[i];
    m_changed.notify_all();
  }
  finish({});
}

void Prefetch::finish(Status status) {
  {
    std::lock_guard guard(m_mutex);
    m_finished = true;
    if (!status) m_failure = status.error();
  }
  m_changed.notify_all();
  m_done.set_value(std::move(status));
}

Result<fetch::FetchedFile> Prefetch::fetch(const fetch::FetchRequest& request) {
  const bool prefetched = std::any_of(m_requests.begin(), m_requests.end(),
                                      [&](const fetch::FetchRequest& r) { return r.url == request.url; });
  if (prefetched) {
    std::unique_lock guard(m_mutex);
    m_changed.wait(guard, [&] { return m_fetched.contains(request.url) || m_finished; });
    if (auto found = m_fetched.find(request.url); found != m_fetched.end()) return found->second;
    if (m_failure) return fail(*m_failure);
  }
  std::lock_guard inner(m_inner_mutex);
  return m_inner.fetch(request);
}

std::optional<fetch::KnownDigest> Prefetch::known_digest(const fetch::FetchRequest& request) {
  std::lock_guard inner(m_inner_mutex);
  return m_inner.known_digest(request);
}

Result<std::string> Prefetch::fetch_text(const std::string& url, uint64_t max_bytes) {
  std::lock_guard inner(m_inner_mutex);
  return m_inner.fetch_text(url, max_bytes);
}

std::optional<bool> Prefetch::exists(const std::string& url) {
  std::lock_guard inner(m_inner_mutex);
  return m_inner.exists(url);
}

void Prefetch::discard(const fetch::FetchedFile& file) {
  std::lock_guard inner(m_inner_mutex);
  m_inner.discard(file);
}

Result<std::vector<fetch::FetchedFile>> Prefetch::fetch_all(const std::vector<fetch::FetchRequest>& requests) {
  std::lock_guard inner(m_inner_mutex);
  return m_inner.fetch_all(requests);
}

}  // namespace tailor::app
