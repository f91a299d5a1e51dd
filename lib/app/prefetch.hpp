#pragma once
// The downloads of a project install, running ahead of its tools (docs/projects.md,
// "Installing a project"): every artifact of the lock is fetched in the background, a chunk at
// a time, while the tools whose artifacts are in already extract and verify.
#include <condition_variable>
#include <cstddef>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fetch/downloader.hpp"

namespace tailor::app {

class Prefetch final : public fetch::Downloader {
 public:
  // Starts fetching `requests` through `inner`, in their order, in chunks of `chunk`, then
  // twice, four times as many, and so on: one fetch_all each, so the files of a chunk reach
  // the download cache with one flush and its downloads run in parallel over the host pool.
  // The first failure stops the rest.
  Prefetch(fetch::Downloader& inner, std::vector<fetch::FetchRequest> requests, std::size_t chunk);
  // Waits for the chunk under way; none is started after it.
  ~Prefetch() override;
  Prefetch(const Prefetch&) = delete;
  Prefetch& operator=(const Prefetch&) = delete;

  // Succeeds once every download is in and checked against its checksum; else the first
  // failure.
  std::shared_future<Status> all_checked() const { return m_checked; }

  // A prefetched URL: waits for its chunk and hands out what the download gave (its bytes were
  // hashed while they streamed in). Any other request goes to the inner downloader.
  Result<fetch::FetchedFile> fetch(const fetch::FetchRequest& request) override;
  std::optional<fetch::KnownDigest> known_digest(const fetch::FetchRequest& request) override;
  Result<std::string> fetch_text(const std::string& url, uint64_t max_bytes) override;
  std::optional<bool> exists(const std::string& url) override;
  void discard(const fetch::FetchedFile& file) override;
  Result<std::vector<fetch::FetchedFile>> fetch_all(const std::vector<fetch::FetchRequest>& requests) override;

 private:
  void run();
  void finish(Status status);

  fetch::Downloader& m_inner;
  std::mutex m_inner_mutex;  // one call into m_inner at a time
  std::vector<fetch::FetchRequest> m_requests;
  std::size_t m_chunk;

  std::mutex m_mutex;  // guards what follows
  std::condition_variable m_changed;
  std::map<std::string, fetch::FetchedFile> m_fetched;  // by URL
  std::optional<Error> m_failure;
  bool m_finished = false;
  bool m_stop = false;

  std::promise<Status> m_done;
  std::shared_future<Status> m_checked = m_done.get_future().share();
  std::thread m_thread;  // last: started once the rest exists
};

}  // namespace tailor::app
