#include "app/mirror_push.hpp"

#include <set>

#include "fetch/oci_push.hpp"
#include "fetch/url.hpp"
#include "install/bundle.hpp"
#include "util/sha256.hpp"

namespace tailor::app {
namespace {

using nlohmann::ordered_json;

ordered_json descriptor(std::string_view media_type, const std::string& sha256, uint64_t size) {
  return ordered_json{{"mediaType", media_type}, {"digest", "sha256:" + sha256}, {"size", size}};
}

// The image manifest of an artifact (OCI image spec 1.1, "Guidelines for artifact usage").
std::string manifest_json(const PushSource& source, const std::vector<PushedArtifact>& artifacts) {
  ordered_json layers = ordered_json::array();
  for (const PushedArtifact& a : artifacts) {
    ordered_json layer = descriptor("application/octet-stream", a.sha256, a.size);
    layer["annotations"] = {{"org.opencontainers.image.title", a.name}, {"dev.tailor.url", a.url}};
    layers.push_back(std::move(layer));
  }
  ordered_json manifest{
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
      {"artifactType", k_lock_artifact_type},
      {"config", descriptor(k_lock_artifact_type, util::sha256_hex(source.bytes), source.bytes.size())},
      {"layers", layers},
      {"annotations", {{"dev.tailor.kind", source.kind}}}};
  return manifest.dump();
}

}  // namespace

std::string default_push_tag(const PushSource& source) { return util::sha256_hex(source.bytes); }

Result<PushReport> push_to_registry(const PushSource& source, const std::string& tag, fetch::Downloader& downloader,
                                    fetch::OciClient& client,
                                    const std::function<void(const PushedArtifact&)>& progress) {
  PushReport report;
  report.tag = tag;
  fetch::OciLocation where = client.where();
  where.tag = tag;
  report.reference = where.reference();
  std::set<std::string> seen;
  for (const auto& plan : source.plans) {
    for (const install::BundleArtifact& a : install::plan_artifacts(plan)) {
      if (a.checksum.empty() || a.algo != "sha256") {
        // An OCI mirror serves by SHA-256 only: such an artifact is never installed from it.
        return fail(ErrorKind::checksum,
                    "{} has no SHA-256 in the plan; an OCI mirror serves only artifacts with a known SHA-256", a.url);
      }
      if (!seen.insert(a.checksum).second) continue;
      PushedArtifact pushed{fetch::url_file_name(a.url), a.url, a.checksum, a.size, false, false};
      auto exists = fetch::oci_blob_exists(client, a.checksum);
      if (!exists) return fail(exists.error());
      if (!*exists) {
        auto file = downloader.fetch(fetch::FetchRequest{a.url, a.fallback_urls, a.checksum, a.size});
        if (!file) return fail(file.error());
        // Never trust bytes more than their checksum: a cache entry that no longer hashes
        // right is refused, and the registry checks the digest again on upload.
        if (file->sha256 != a.checksum) {
          downloader.discard(*file);
          return fail(ErrorKind::checksum, "{}: expected sha256 {}, got {}", a.url, a.checksum, file->sha256);
        }
        pushed.downloaded = !file->from_cache;
        pushed.size = file->size;
        auto sent = fetch::oci_upload_blob(client, file->path, a.checksum, file->size);
        if (!sent) return fail(sent.error());
        report.upload_requests += *sent;
        pushed.uploaded = true;
      } else if (pushed.size == 0) {
        return fail(ErrorKind::failure, "{} has no size in the plan; a manifest needs every layer's size", a.url);
      }
      if (progress) progress(pushed);
      report.artifacts.push_back(std::move(pushed));
    }
  }
  auto config_there = fetch::oci_blob_exists(client, util::sha256_hex(source.bytes));
  if (!config_there) return fail(config_there.error());
  if (!*config_there) {
    auto sent = fetch::oci_upload_bytes(client, source.bytes);
    if (!sent) return fail(sent.error());
    report.upload_requests += *sent;
  }
  auto digest = fetch::oci_put_manifest(client, tag, manifest_json(source, report.artifacts));
  if (!digest) return fail(digest.error());
  report.manifest_digest = *digest;
  return report;
}

}  // namespace tailor::app
