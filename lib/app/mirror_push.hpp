#pragma once
// `tailor mirror push` (docs/fleets.md): every artifact of a plan or lock as a blob of an OCI
// repository, then an artifact manifest (the plan or lock as its config blob, the artifacts
// as layers) under a tag.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fetch/downloader.hpp"
#include "fetch/oci_client.hpp"
#include "plan/plan_model.hpp"
#include "util/result.hpp"

namespace tailor::app {

inline constexpr std::string_view k_lock_artifact_type = "application/vnd.tailor.lock.v1+json";

struct PushSource {
  std::string bytes;              // the plan or lock file as read: the config blob
  std::vector<plan::Plan> plans;  // the plans whose artifacts are pushed
  std::string kind;               // "plan" or "lock" (an annotation)
};

struct PushedArtifact {
  std::string name;  // file name (the layer's org.opencontainers.image.title)
  std::string url;
  std::string sha256;
  uint64_t size = 0;
  bool uploaded = false;    // false: the registry had it already
  bool downloaded = false;  // fetched from upstream (not found in the download cache)
};

struct PushReport {
  std::string reference;  // oci://host/ns:tag
  std::string tag;
  std::string manifest_digest;
  std::vector<PushedArtifact> artifacts;
  int upload_requests = 0;  // POST, PATCH and PUT requests of blob uploads
};

// The tag used without --tag: the SHA-256 of the plan or lock file.
std::string default_push_tag(const PushSource& source);

// Pushes `source` to the client's repository under `tag`. Artifacts come from the download
// cache when it holds them (through `downloader`, which never downloads twice); each one is
// reported to `progress` when done.
Result<PushReport> push_to_registry(const PushSource& source, const std::string& tag, fetch::Downloader& downloader,
                                    fetch::OciClient& client,
                                    const std::function<void(const PushedArtifact&)>& progress);

}  // namespace tailor::app
