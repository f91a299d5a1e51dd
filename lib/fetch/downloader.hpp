#pragma once
// The downloader seam: planning asks it for checksums and sizes, install for files.
// The real one streams through libcurl; tests of pure planning use a double.
#include <cstdint>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace tailor::fetch {

struct FetchRequest {
  std::string url;
  std::vector<std::string> fallback_urls;
  std::string expected_sha256;  // "" when unknown (plan time)
  uint64_t expected_size = 0;   // 0 when unknown
  // A cache hit may be handed out before its re-hash finishes (FetchedFile::verification);
  // only for callers that wait for it before trusting the bytes (the install executor).
  bool defer_verification = false;
};

struct FetchedFile {
  std::filesystem::path path;  // a file in the download cache; valid until the next cache clean
  std::string sha256;          // lowercase hex
  uint64_t size = 0;
  std::string served_by;    // URL that finally served the bytes (for a cache hit: the URL it came from)
  bool from_cache = false;  // found in the download cache; nothing was downloaded
  // Valid for a deferred cache hit: the re-hash running in the background. The bytes may be
  // read meanwhile (extraction into a staging directory) but not trusted before it succeeds.
  std::shared_future<Status> verification;
};

// A checksum the downloader knows without downloading (docs/downloads.md, "The checksum cache").
struct KnownDigest {
  std::string sha256;  // lowercase hex
  uint64_t size = 0;
  std::string source;  // "checksum cache" or "download cache"
};

class Downloader {
 public:
  virtual ~Downloader() = default;
  // The checksum and size of `request.url` from what earlier runs learnt (the checksum cache,
  // the download cache), revalidated with the server when old; nullopt when nothing is known,
  // and the artifact must be downloaded to be hashed. This default knows nothing.
  virtual std::optional<KnownDigest> known_digest(const FetchRequest& request) {
    (void)request;
    return std::nullopt;
  }
  // Downloads (or finds in the cache) the artifact, hashing it while streaming.
  virtual Result<FetchedFile> fetch(const FetchRequest& request) = 0;
  // Downloads a small text document (checksum files); refuses bodies over max_bytes.
  virtual Result<std::string> fetch_text(const std::string& url, uint64_t max_bytes = 1 << 20) = 0;
  // Whether `url` exists, asked without downloading it (HEAD, over the same hosts a download
  // would use): false when every host answers 404 or 410, nullopt when it cannot be told
  // (any other failure; this default).
  virtual std::optional<bool> exists(const std::string& /*url*/) { return std::nullopt; }
  // Forgets `file`, a result of fetch whose bytes failed a later check (a signature): its
  // cache entry is removed, so they are not used again. This default has nothing to forget.
  virtual void discard(const FetchedFile& /*file*/) {}
  // Every request, results in request order; the first failure stops the rest. This default
  // fetches one at a time; the real downloader runs them in parallel over its host pool.
  virtual Result<std::vector<FetchedFile>> fetch_all(const std::vector<FetchRequest>& requests) {
    std::vector<FetchedFile> files;
    for (const FetchRequest& request : requests) {
      auto file = fetch(request);
      if (!file) return fail(file.error());
      files.push_back(std::move(*file));
    }
    return files;
  }
};

}  // namespace tailor::fetch
