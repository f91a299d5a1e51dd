#pragma once
// Asks the server, with one conditional HEAD request, whether the bytes a checksum cache
// entry describes are still what its URL serves (docs/downloads.md, "The checksum cache").
#include <string>

#include "fetch/checksum_cache.hpp"
#include "fetch/fetch_config.hpp"

namespace tailor::fetch {

struct Revalidation {
  bool unchanged = false;     // the server confirmed the entry (304, or the same validators)
  std::string etag;           // the validators it answered with, to keep in the entry
  std::string last_modified;  //
  std::string detail;         // why it was not confirmed, for -v
};

// Sends `HEAD entry.url` with If-None-Match / If-Modified-Since. Never fails: anything but a
// confirmation (a changed ETag, another size, no validators, no answer) is "not unchanged",
// and the caller downloads the artifact, which reports network problems properly.
Revalidation revalidate(const ChecksumEntry& entry, const FetchConfig& config);

// An RFC 7231 HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT") of Unix time `seconds`.
std::string http_date(int64_t seconds);

}  // namespace tailor::fetch
