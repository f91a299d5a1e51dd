#pragma once
// Reading back what `tailor mirror push` wrote (docs/fleets.md, "Pushing"): the tagged
// manifest, its config blob (the plan or lock, checked against its digest) and its layers as
// fetch requests that an `oci://` mirror of the same repository serves.
#include <cstdint>
#include <string>
#include <vector>

#include "fetch/curl_downloader.hpp"
#include "fetch/downloader.hpp"
#include "fetch/oci_client.hpp"
#include "project/project_lock.hpp"
#include "util/result.hpp"

namespace tailor::app {

struct PulledArtifact {
  std::string name;    // org.opencontainers.image.title
  std::string url;     // dev.tailor.url: where it came from
  std::string sha256;  // lowercase hex
  uint64_t size = 0;
};

struct PulledManifest {
  std::string kind;    // "plan" or "lock"
  std::string config;  // the plan or lock file as pushed
  std::vector<PulledArtifact> artifacts;
};

// The manifest tagged `tag`; refuses one whose artifactType is not tailor's lock type.
Result<PulledManifest> pull_manifest(fetch::OciClient& client, const std::string& tag);

// One fetch request per artifact (the original URL, the checksum and size), for a downloader
// whose host pool includes the registry as an `oci://` mirror.
std::vector<fetch::FetchRequest> fetch_requests(const PulledManifest& manifest);

// The credentials of the [[mirrors]] entry for the same registry repository, if any.
fetch::OciCredentials mirror_credentials(const fetch::FetchConfig& config, const fetch::OciLocation& where);

// `config` with the repository of `where` as an `oci://` mirror of every URL, first in the
// host pool (unless a [[mirrors]] entry already names it): `install --locked --mirror` and
// `fetch --lock --from-mirror` download the lock's artifacts as its blobs, the origin last.
fetch::FetchConfig with_registry_mirror(fetch::FetchConfig config, const fetch::OciLocation& where);

// The project lock tagged in `reference` (oci://HOST[:PORT]/NAMESPACE:TAG, as `tailor mirror
// push --lock` wrote it): the manifest's config blob, checked against its digest and parsed.
// A reference without a tag is ErrorKind::usage; a plan's manifest is ErrorKind::invalid_input.
struct MirrorLock {
  fetch::OciLocation where;
  project::ProjectLock lock;
};
Result<MirrorLock> pull_project_lock(const std::string& reference, const fetch::FetchConfig& config);

}  // namespace tailor::app
