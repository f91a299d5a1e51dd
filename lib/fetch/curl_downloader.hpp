#pragma once
// The real downloader: libcurl (multi interface), a host pool of mirrors, the download cache
// and status.json. One CurlDownloader is one "run": host health (ejections, cooldowns,
// flags) persists across its calls.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fetch/download_cache.hpp"
#include "fetch/downloader.hpp"
#include "fetch/fetch_config.hpp"
#include "fetch/fetch_engine.hpp"
#include "fetch/host_pool.hpp"
#include "fetch/status_file.hpp"
#include "util/output.hpp"

namespace tailor::fetch {

struct DownloaderOptions {
  std::filesystem::path home;  // $TAILOR_HOME: cache/downloads/ and status.json live here
  FetchConfig config;
  bool progress = false;                 // progress line on stderr (drawn only when stderr is a TTY)
  std::string command = "fetch";         // what `tailor status` says is running
  bool write_status = true;              // keep status.json up to date while fetching
  std::shared_ptr<StatusWriter> status;  // share one with later phases; made on first use when null
  const util::Output* output = nullptr;  // retry notes at -v; none when null
};

// Options from config::tailor_home(), its config.toml and the environment; progress only
// when `output` is given and neither quiet nor JSON.
Result<DownloaderOptions> options_from_environment(const util::Output* output, std::string command = "fetch");

class CurlDownloader final : public Downloader {
 public:
  explicit CurlDownloader(DownloaderOptions options);
  ~CurlDownloader() override;

  // A downloader with options_from_environment().
  static Result<std::unique_ptr<CurlDownloader>> from_environment(const util::Output* output,
                                                                  std::string command = "fetch");

  Result<FetchedFile> fetch(const FetchRequest& request) override;
  // The checksum cache, then the download cache (curl_downloader_digest.cpp).
  std::optional<KnownDigest> known_digest(const FetchRequest& request) override;
  Result<std::string> fetch_text(const std::string& url, uint64_t max_bytes = 1 << 20) override;
  void discard(const FetchedFile& file) override;
  std::optional<bool> exists(const std::string& url) override;
  // Fetches every request, `parallel` at a time, spread over hosts by the strategy; results
  // in request order. The first artifact that cannot be fetched stops the others.
  // A cache entry this downloader already verified (downloaded or re-hashed) is not hashed
  // again while its inode, size and modification time are unchanged.
  Result<std::vector<FetchedFile>> fetch_all(const std::vector<FetchRequest>& requests) override;

  const FetchConfig& config() const { return m_options.config; }
  // Health of every host seen so far in this run.
  const std::vector<HostState>& hosts() const { return m_pool.hosts(); }
  // The status file writer (created on first use), so later phases can report into it.
  StatusWriter* status();

 private:
  struct Verified {
    FetchedFile file;
    uint64_t inode = 0;
    int64_t mtime_ns = 0;
  };
  std::optional<FetchedFile> verified_before(const std::string& sha256, uint64_t expected_size) const;
  void remember_verified(const FetchedFile& file);
  void remove_leftovers(const DownloadCache& cache);
  // Records what a download taught about its URL in the checksum cache.
  void remember_checksum(const FetchRequest& request, const EngineResult& done) const;

  DownloaderOptions m_options;
  HostPool m_pool;
  std::map<std::string, std::unique_ptr<OciClient>> m_oci;  // the OCI mirrors' clients, by name
  std::map<std::string, Verified> m_verified;               // by sha256
  bool m_swept = false;                                     // leftovers of dead runs removed
  // URLs whose checksum cache entry this run found outdated: the server now serves other
  // bytes, so an older download of theirs is no answer either, whoever asks next.
  mutable std::set<std::string> m_changed_urls;
};

}  // namespace tailor::fetch
