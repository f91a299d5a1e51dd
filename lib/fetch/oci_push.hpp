#pragma once
// Writing to an OCI registry (docs/fleets.md, "Pushing"): blobs (HEAD first, then a
// monolithic or a chunked upload) and a tagged manifest, through one OciClient.
#include <cstdint>
#include <filesystem>
#include <string>

#include "fetch/oci_client.hpp"
#include "util/result.hpp"

namespace tailor::fetch {

// Blobs up to this size go up in one PUT; larger ones in PATCH chunks of this size.
// TAILOR_OCI_CHUNK_SIZE (bytes) overrides the default of 16 MiB.
uint64_t oci_chunk_size();

// Whether the repository holds blob sha256:`sha256` (HEAD).
Result<bool> oci_blob_exists(OciClient& client, const std::string& sha256);

// Uploads `size` bytes of `file` as blob sha256:`sha256`. A registry that finds other bytes
// refuses the digest: ErrorKind::checksum. Returns the number of upload requests sent.
Result<int> oci_upload_blob(OciClient& client, const std::filesystem::path& file, const std::string& sha256,
                            uint64_t size);

// Uploads bytes held in memory (a config blob).
Result<int> oci_upload_bytes(OciClient& client, const std::string& bytes);

// PUTs an image manifest under `tag`; returns its digest ("sha256:…").
Result<std::string> oci_put_manifest(OciClient& client, const std::string& tag, const std::string& manifest);

// GETs a small blob (a config) and checks that it hashes to its digest (else ErrorKind::checksum).
Result<std::string> oci_get_small_blob(OciClient& client, const std::string& sha256, uint64_t max_bytes = 16 << 20);

// GETs the manifest of `tag` (or a digest).
Result<std::string> oci_get_manifest(OciClient& client, const std::string& reference);

}  // namespace tailor::fetch
