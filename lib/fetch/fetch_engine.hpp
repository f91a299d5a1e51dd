#pragma once
// The scheduling loop behind CurlDownloader: runs download jobs over libcurl's multi
// interface, choosing hosts from the pool and reacting to each outcome (docs/mirrors.md, "When a host misbehaves").
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fetch/download_cache.hpp"
#include "fetch/downloader.hpp"
#include "fetch/fetch_config.hpp"
#include "fetch/host_pool.hpp"
#include "fetch/oci_client.hpp"
#include "fetch/progress.hpp"
#include "fetch/status_file.hpp"
#include "util/output.hpp"

namespace tailor::fetch {

struct EngineContext {
  const FetchConfig& config;
  HostPool& pool;
  const DownloadCache& cache;
  StatusWriter* status = nullptr;        // may be null
  ProgressLine* progress = nullptr;      // may be null
  const util::Output* output = nullptr;  // may be null
  // The clients of the OCI mirrors, by host name (HostState::name); may be null without any.
  std::map<std::string, std::unique_ptr<OciClient>>* oci = nullptr;
};

struct EngineJob {
  FetchRequest request;
  std::string expected_sha256;  // normalised; "" when unknown
  bool text = false;            // keep the body in memory instead of the cache
  uint64_t limit = 0;           // largest body accepted
  bool limit_is_plan_size = false;
  bool head = false;  // a HEAD request: does the URL exist (EngineResult::missing)
};

struct EngineResult {
  FetchedFile file;      // cache entry (file jobs)
  std::string text;      // body (text jobs)
  bool missing = false;  // head jobs: every host answered 404 or 410
  // The validators of the response, when the job's own URL (not a mirror or fallback) served it.
  std::string etag;
  std::string last_modified;
};

// Runs every job to completion, `config.parallel` at a time; results in job order.
Result<std::vector<EngineResult>> run_fetch_jobs(EngineContext& context, const std::vector<EngineJob>& jobs);

}  // namespace tailor::fetch
