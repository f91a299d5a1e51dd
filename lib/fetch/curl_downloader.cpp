#include "fetch/curl_downloader.hpp"

#include <map>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include "fetch/curl_api.hpp"

#include "config/home.hpp"
#include "fetch/fetch_engine.hpp"
#include "fetch/progress.hpp"

namespace tailor::fetch {
namespace fs = std::filesystem;

namespace {

// Refuse when free space is below twice the bytes to download (docs/downloads.md, "What every download does").
Status check_disk_space(const fs::path& dir, uint64_t bytes) {
  if (bytes == 0) return {};
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return {};
  uint64_t free_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  if (free_bytes / 2 < bytes) {
    return fail(ErrorKind::invalid_input,
                "not enough free space in {}: {} bytes free, downloads need {} bytes and tailor keeps 2x that free; "
                "free some space or point TAILOR_HOME elsewhere",
                dir.string(), free_bytes, bytes);
  }
  return {};
}

}  // namespace

CurlDownloader::CurlDownloader(DownloaderOptions options)
    : m_options(std::move(options)),
      m_pool(m_options.config.mirrors, m_options.config.strategy, m_options.config.mirrors_only) {
  for (const Mirror& mirror : m_options.config.mirrors) {
    auto where = parse_oci_url(mirror.url);
    if (!mirror.oci || !where || m_oci.contains(mirror.name)) continue;
    m_oci.emplace(mirror.name,
                  std::make_unique<OciClient>(*where, OciCredentials{mirror.username, mirror.password, mirror.secret},
                                              m_options.config));
  }
}

CurlDownloader::~CurlDownloader() = default;

Result<DownloaderOptions> options_from_environment(const util::Output* output, std::string command) {
  DownloaderOptions options;
  options.home = config::tailor_home();
  auto config = load_fetch_config(options.home);
  if (!config) return fail(config.error());
  options.config = std::move(*config);
  options.progress = output != nullptr && !output->quiet && !output->json;
  options.command = std::move(command);
  options.output = output;
  return options;
}

Result<std::unique_ptr<CurlDownloader>> CurlDownloader::from_environment(const util::Output* output,
                                                                         std::string command) {
  auto options = options_from_environment(output, std::move(command));
  if (!options) return fail(options.error());
  return std::make_unique<CurlDownloader>(std::move(*options));
}

StatusWriter* CurlDownloader::status() {
  if (!m_options.write_status) return nullptr;
  if (!m_options.status) m_options.status = std::make_shared<StatusWriter>(m_options.home, m_options.command);
  return m_options.status.get();
}

Result<FetchedFile> CurlDownloader::fetch(const FetchRequest& request) {
  auto files = fetch_all({request});
  if (!files) return fail(files.error());
  return std::move(files->front());
}

Result<std::vector<FetchedFile>> CurlDownloader::fetch_all(const std::vector<FetchRequest>& requests) {
  const FetchConfig& config = m_options.config;
  DownloadCache cache(m_options.home / "cache" / "downloads");
  if (auto ready = cache.ensure(); !ready) return fail(ready.error());
  if (!m_swept) remove_leftovers(cache);

  std::vector<FetchedFile> results(requests.size());
  std::vector<EngineJob> jobs;
  std::map<std::string, std::size_t> job_by_hash;  // one download per checksum
  std::vector<std::optional<std::size_t>> from_job(requests.size());
  uint64_t bytes_needed = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const FetchRequest& request = requests[i];
    auto expected = normalize_sha256(request.expected_sha256);
    if (!expected) return fail(ErrorKind::invalid_input, "{} (for {})", expected.error().message, request.url);
    if (request.expected_size > config.max_bytes) {
      return fail(ErrorKind::invalid_input, "refusing {}: its size of {} bytes is over {}", request.url,
                  request.expected_size, size_limit_text(config));
    }
    if (auto seen = verified_before(*expected, request.expected_size)) {
      results[i] = std::move(*seen);
      continue;
    }
    if (request.defer_verification) {
      if (auto hit = cache.lookup_unverified(*expected, request.expected_size)) {
        results[i] = std::move(*hit);
        if (results[i].served_by.empty()) results[i].served_by = request.url;
        results[i].verification =
            std::async(std::launch::async, [cache, sha = *expected] { return cache.verify_entry(sha); }).share();
        continue;
      }
    } else if (auto hit = cache.lookup(*expected, request.expected_size)) {
      results[i] = std::move(*hit);
      if (results[i].served_by.empty()) results[i].served_by = request.url;
      remember_verified(results[i]);
      continue;
    }
    // The URL rules apply to what is fetched; a cache hit makes no request (and parsing a URL
    // is what would load libcurl on an install that needs no network).
    if (auto allowed = check_url_allowed(request.url, config.allow_insecure_loopback); !allowed) {
      return fail(allowed.error());
    }
    if (!expected->empty()) {
      if (auto same = job_by_hash.find(*expected); same != job_by_hash.end()) {
        from_job[i] = same->second;
        continue;
      }
      job_by_hash[*expected] = jobs.size();
    }
    bool plan_size = request.expected_size != 0;
    jobs.push_back(
        EngineJob{request, *expected, false, plan_size ? request.expected_size : config.max_bytes, plan_size});
    from_job[i] = jobs.size() - 1;
    bytes_needed += request.expected_size;
  }
  if (jobs.empty()) return results;
  if (auto space = check_disk_space(cache.dir(), bytes_needed); !space) return fail(space.error());

  ProgressLine progress(m_options.progress);
  EngineContext context{config, m_pool, cache, status(), &progress, m_options.output, &m_oci};
  auto fetched = run_fetch_jobs(context, jobs);
  progress.clear();
  if (!fetched) return fail(fetched.error());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (from_job[i]) results[i] = (*fetched)[*from_job[i]].file;
  }
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    remember_verified((*fetched)[j].file);
    remember_checksum(jobs[j].request, (*fetched)[j]);
  }
  return results;
}

// What killed runs left behind: their partial downloads and their status.json (docs/downloads.md,
// "Partial downloads"). Once per run, before anything is downloaded.
void CurlDownloader::remove_leftovers(const DownloadCache& cache) {
  m_swept = true;
  config::PartialDownloads removed = cache.remove_dead_partials();
  if (removed.files > 0 && m_options.output != nullptr) {
    m_options.output->debug("removed {} partial download(s) of {} bytes left by processes that are gone", removed.files,
                            removed.bytes);
  }
  if (m_options.write_status) remove_stale_status(m_options.home);
}

namespace {
bool file_identity(const fs::path& path, uint64_t& inode, uint64_t& size, int64_t& mtime_ns) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  inode = static_cast<uint64_t>(st.st_ino);
  size = static_cast<uint64_t>(st.st_size);
  mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return true;
}
}  // namespace

std::optional<FetchedFile> CurlDownloader::verified_before(const std::string& sha256, uint64_t expected_size) const {
  auto it = m_verified.find(sha256);
  if (sha256.empty() || it == m_verified.end()) return std::nullopt;
  uint64_t inode = 0, size = 0;
  int64_t mtime_ns = 0;
  if (!file_identity(it->second.file.path, inode, size, mtime_ns) || inode != it->second.inode ||
      size != it->second.file.size || mtime_ns != it->second.mtime_ns ||
      (expected_size != 0 && size != expected_size)) {
    return std::nullopt;
  }
  FetchedFile file = it->second.file;
  file.from_cache = true;
  return file;
}

void CurlDownloader::remember_verified(const FetchedFile& file) {
  if (file.sha256.empty() || file.path.empty()) return;
  Verified entry{file, 0, 0};
  uint64_t size = 0;
  if (!file_identity(file.path, entry.inode, size, entry.mtime_ns) || size != file.size) return;
  m_verified[file.sha256] = std::move(entry);
}

std::optional<bool> CurlDownloader::exists(const std::string& url) {
  const FetchConfig& config = m_options.config;
  if (!check_url_allowed(url, config.allow_insecure_loopback)) return std::nullopt;
  DownloadCache cache(m_options.home / "cache" / "downloads");
  std::vector<EngineJob> jobs{EngineJob{FetchRequest{url, {}, "", 0}, "", true, config.max_bytes, false, true}};
  EngineContext context{config, m_pool, cache, nullptr, nullptr, m_options.output, &m_oci};
  auto probed = run_fetch_jobs(context, jobs);
  if (!probed) return std::nullopt;
  return !probed->front().missing;
}

void CurlDownloader::discard(const FetchedFile& file) {
  if (file.sha256.empty()) return;
  m_verified.erase(file.sha256);
  DownloadCache(m_options.home / "cache" / "downloads").remove_entry(file.sha256);
}

Result<std::string> CurlDownloader::fetch_text(const std::string& url, uint64_t max_bytes) {
  const FetchConfig& config = m_options.config;
  if (auto allowed = check_url_allowed(url, config.allow_insecure_loopback); !allowed) return fail(allowed.error());
  DownloadCache cache(m_options.home / "cache" / "downloads");
  std::vector<EngineJob> jobs{
      EngineJob{FetchRequest{url, {}, "", 0}, "", true, std::min(max_bytes, config.max_bytes), false}};
  EngineContext context{config, m_pool, cache, nullptr, nullptr, m_options.output, &m_oci};
  auto fetched = run_fetch_jobs(context, jobs);
  if (!fetched) return fail(fetched.error());
  return std::move(fetched->front().text);
}

}  // namespace tailor::fetch
