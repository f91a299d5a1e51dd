#include "fetch/oci_push.hpp"

#include <cstdlib>

#include "config/environment.hpp"
#include "util/sha256.hpp"

namespace tailor::fetch {
namespace {

constexpr std::string_view k_push = "pull,push";
constexpr std::string_view k_manifest_type = "application/vnd.oci.image.manifest.v1+json";

std::string resolve(const OciClient& client, const std::string& location) {
  if (location.rfind("https://", 0) == 0 || location.rfind("http://", 0) == 0) return location;
  return client.where().base_url() + (location.rfind('/', 0) == 0 ? "" : "/") + location;
}

std::string with_query(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

Error refused(OciClient& client, const HttpCall& call, const HttpReply& reply) {
  if (reply.status == 401 || reply.status == 403) return client.auth_failure(reply.status, call.url);
  std::string body = reply.body.substr(0, 300);
  // The registry hashed what it received and found another digest.
  if (reply.status == 400 && body.find("DIGEST_INVALID") != std::string::npos) {
    return Error{ErrorKind::checksum, fmt::format("registry {} refused {}: the bytes do not hash to their digest ({})",
                                                  client.where().reference(false), call.url, body)};
  }
  return Error{ErrorKind::network,
               fmt::format("registry {}: {} {} answered HTTP {}: {}", client.where().reference(false), call.method,
                           call.url, reply.status, body)};
}

// POST, then one PUT (small) or PATCH chunks and a closing PUT (large).
Result<int> upload(OciClient& client, const std::string& sha256, uint64_t size, const std::filesystem::path* file,
                   const std::string* bytes) {
  std::string action = std::string(k_push);
  HttpCall start;
  start.method = "POST";
  start.url = client.where().base_url() + "/v2/" + client.where().repository + "/blobs/uploads/";
  auto started = client.send(start, action);
  if (!started) return fail(started.error());
  if (started->status != 202) return tl::unexpected(refused(client, start, *started));
  std::string location = resolve(client, started->header("location"));
  int requests = 1;
  const uint64_t chunk = oci_chunk_size();
  auto body_of = [&](HttpCall& call, uint64_t offset, uint64_t length) {
    if (file != nullptr) {
      call.file = *file;
      call.offset = offset;
      call.length = length;
    } else {
      call.body = bytes->substr(offset, length);
    }
  };
  uint64_t sent = 0;
  if (size > chunk) {
    while (sent < size) {
      uint64_t length = std::min(chunk, size - sent);
      HttpCall patch;
      patch.method = "PATCH";
      patch.url = location;
      patch.headers = {"Content-Type: application/octet-stream",
                       fmt::format("Content-Range: {}-{}", sent, sent + length - 1)};
      body_of(patch, sent, length);
      auto reply = client.send(patch, action);
      ++requests;
      if (!reply) return fail(reply.error());
      if (reply->status != 202) return tl::unexpected(refused(client, patch, *reply));
      location = resolve(client, reply->header("location"));
      sent += length;
    }
  }
  HttpCall put;
  put.method = "PUT";
  put.url = with_query(location, "digest=sha256:" + sha256);
  put.headers = {"Content-Type: application/octet-stream"};
  if (sent < size) body_of(put, 0, size);
  auto done = client.send(put, action);
  ++requests;
  if (!done) return fail(done.error());
  if (done->status != 201) return tl::unexpected(refused(client, put, *done));
  return requests;
}

}  // namespace

uint64_t oci_chunk_size() {
  if (auto value = config::env_value(config::EnvVar::tailor_oci_chunk_size); value && !value->empty()) {
    char* end = nullptr;
    unsigned long long parsed = std::strtoull(value->c_str(), &end, 10);
    if (end != nullptr && *end == '\0' && parsed >= 1) return parsed;
  }
  return uint64_t{16} << 20;
}

Result<bool> oci_blob_exists(OciClient& client, const std::string& sha256) {
  HttpCall head;
  head.method = "HEAD";
  head.url = oci_blob_url(client.where(), sha256);
  auto reply = client.send(head, std::string(k_push));
  if (!reply) return fail(reply.error());
  if (reply->status == 200) return true;
  if (reply->status == 404) return false;
  return tl::unexpected(refused(client, head, *reply));
}

Result<int> oci_upload_blob(OciClient& client, const std::filesystem::path& file, const std::string& sha256,
                            uint64_t size) {
  return upload(client, sha256, size, &file, nullptr);
}

Result<int> oci_upload_bytes(OciClient& client, const std::string& bytes) {
  return upload(client, util::sha256_hex(bytes), bytes.size(), nullptr, &bytes);
}

Result<std::string> oci_put_manifest(OciClient& client, const std::string& tag, const std::string& manifest) {
  HttpCall put;
  put.method = "PUT";
  put.url = client.where().base_url() + "/v2/" + client.where().repository + "/manifests/" + tag;
  put.headers = {fmt::format("Content-Type: {}", k_manifest_type)};
  put.body = manifest;
  auto reply = client.send(put, std::string(k_push));
  if (!reply) return fail(reply.error());
  if (reply->status != 201) return tl::unexpected(refused(client, put, *reply));
  return "sha256:" + util::sha256_hex(manifest);
}

Result<std::string> oci_get_small_blob(OciClient& client, const std::string& sha256, uint64_t max_bytes) {
  HttpCall get;
  get.url = oci_blob_url(client.where(), sha256);
  get.max_reply = max_bytes;
  auto reply = client.send(get, "pull");
  if (!reply) return fail(reply.error());
  if (reply->status != 200) return tl::unexpected(refused(client, get, *reply));
  if (std::string got = util::sha256_hex(reply->body); got != sha256) {
    return fail(ErrorKind::checksum, "blob {} of registry {} hashes to sha256:{}", get.url,
                client.where().reference(false), got);
  }
  return std::move(reply->body);
}

Result<std::string> oci_get_manifest(OciClient& client, const std::string& reference) {
  HttpCall get;
  get.url = client.where().base_url() + "/v2/" + client.where().repository + "/manifests/" + reference;
  get.headers = {fmt::format("Accept: {}", k_manifest_type)};
  auto reply = client.send(get, "pull");
  if (!reply) return fail(reply.error());
  if (reply->status == 404) {
    return fail(ErrorKind::failure, "registry {} has no manifest {}", client.where().reference(false), reference);
  }
  if (reply->status != 200) return tl::unexpected(refused(client, get, *reply));
  return reply->body;
}

}  // namespace tailor::fetch
