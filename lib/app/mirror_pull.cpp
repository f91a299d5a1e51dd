#include "app/mirror_pull.hpp"

#include <nlohmann/json.hpp>

#include "app/mirror_push.hpp"
#include "fetch/oci_push.hpp"
#include "util/sha256.hpp"

namespace tailor::app {
namespace {

std::string sha256_of_digest(const nlohmann::json& descriptor) {
  std::string digest = descriptor.is_object() ? descriptor.value("digest", std::string()) : std::string();
  if (digest.rfind("sha256:", 0) != 0 || digest.size() != 7 + 64) return "";
  return digest.substr(7);
}

}  // namespace

Result<PulledManifest> pull_manifest(fetch::OciClient& client, const std::string& tag) {
  std::string reference = client.where().reference(false) + ":" + tag;
  auto text = fetch::oci_get_manifest(client, tag);
  if (!text) return fail(text.error());
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("artifactType", std::string()) != k_lock_artifact_type) {
    return fail(ErrorKind::invalid_input, "{} is not a tailor lock artifact (artifactType {})", reference,
                k_lock_artifact_type);
  }
  PulledManifest out;
  if (auto notes = doc.find("annotations"); notes != doc.end() && notes->is_object()) {
    out.kind = notes->value("dev.tailor.kind", std::string());
  }
  std::string config_sha = sha256_of_digest(doc.value("config", nlohmann::json()));
  if (config_sha.empty()) return fail(ErrorKind::invalid_input, "{}: the manifest has no sha256 config", reference);
  auto config = fetch::oci_get_small_blob(client, config_sha);
  if (!config) return fail(config.error());
  out.config = std::move(*config);
  auto layers = doc.find("layers");
  if (layers == doc.end() || !layers->is_array()) return out;
  for (const auto& layer : *layers) {
    PulledArtifact artifact;
    artifact.sha256 = sha256_of_digest(layer);
    if (artifact.sha256.empty())
      return fail(ErrorKind::invalid_input, "{}: a layer without a sha256 digest", reference);
    if (auto size = layer.find("size"); size != layer.end() && size->is_number_unsigned()) artifact.size = *size;
    if (auto notes = layer.find("annotations"); notes != layer.end() && notes->is_object()) {
      artifact.name = notes->value("org.opencontainers.image.title", std::string());
      artifact.url = notes->value("dev.tailor.url", std::string());
    }
    out.artifacts.push_back(std::move(artifact));
  }
  return out;
}

std::vector<fetch::FetchRequest> fetch_requests(const PulledManifest& manifest) {
  std::vector<fetch::FetchRequest> out;
  for (const PulledArtifact& a : manifest.artifacts) out.push_back(fetch::FetchRequest{a.url, {}, a.sha256, a.size});
  return out;
}

fetch::OciCredentials mirror_credentials(const fetch::FetchConfig& config, const fetch::OciLocation& where) {
  for (const fetch::Mirror& mirror : config.mirrors) {
    auto location = fetch::parse_oci_url(mirror.url);
    if (mirror.oci && location && location->host == where.host && location->repository == where.repository) {
      return fetch::OciCredentials{mirror.username, mirror.password, mirror.secret};
    }
  }
  return {};
}

fetch::FetchConfig with_registry_mirror(fetch::FetchConfig config, const fetch::OciLocation& where) {
  for (const fetch::Mirror& mirror : config.mirrors) {
    auto location = fetch::parse_oci_url(mirror.url);
    if (mirror.oci && mirror.prefix.empty() && location && location->host == where.host &&
        location->repository == where.repository) {
      return config;
    }
  }
  fetch::Mirror registry;
  registry.url = where.reference(false);
  registry.name = registry.url;
  registry.oci = true;
  fetch::OciCredentials credentials = mirror_credentials(config, where);
  registry.username = credentials.username;
  registry.password = credentials.password;
  registry.secret = credentials.secret;
  config.mirrors.insert(config.mirrors.begin(), std::move(registry));
  return config;
}

Result<MirrorLock> pull_project_lock(const std::string& reference, const fetch::FetchConfig& config) {
  auto where = fetch::parse_oci_url(reference);
  if (!where) return fail(where.error());
  if (where->tag.empty()) {
    return fail(ErrorKind::usage, "{} names no tag: give the lock's tag, oci://HOST[:PORT]/NAMESPACE:TAG", reference);
  }
  fetch::OciClient client(*where, mirror_credentials(config, *where), config);
  auto manifest = pull_manifest(client, where->tag);
  if (!manifest) return fail(manifest.error());
  if (manifest->kind != "lock") {
    return fail(ErrorKind::invalid_input,
                "{} holds a {}, not a project lock; install a pushed plan with `tailor install --plan FILE`", reference,
                manifest->kind.empty() ? "manifest of unknown kind" : manifest->kind);
  }
  auto lock = project::parse_project_lock(manifest->config, reference);
  if (!lock) return fail(lock.error());
  return MirrorLock{std::move(*where), std::move(*lock)};
}

}  // namespace tailor::app
