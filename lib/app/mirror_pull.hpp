#pragma once
// Reading back what `tailor mirror push` wrote (docs/fleets.md, "Pushing"): the tagged
// manifest, its config blob (the plan or lock, checked against its digest) and its layers as
// fetch requests that an `oci://` mirror of the same repository serves.
#include <cstdint>
#include <string>
#include <vector>

#include "fetch/downloader.hpp"
#include "fetch/oci_client.hpp"
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

}  // namespace tailor::app
