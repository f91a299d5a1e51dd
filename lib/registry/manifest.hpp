#pragma once
// The registry manifest (docs/registries.md, "Manifest"): tsuku's recipes.json, schema
// version 1, cached at $TAILOR_HOME/registry/manifest.json with its validators beside it.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/settings.hpp"
#include "util/result.hpp"

namespace tailor::registry {

inline constexpr uint64_t k_max_manifest_bytes = uint64_t{32} << 20;

struct ManifestEntry {
  std::string name;
  std::string description;
  std::string homepage;
  std::vector<std::string> dependencies;
  std::vector<std::string> runtime_dependencies;
};

struct Deprecation {
  std::string sunset_date;
  std::string min_cli_version;
  std::string message;
};

struct Manifest {
  int schema_version = 1;
  std::string generated_at;
  std::optional<Deprecation> deprecation;
  std::vector<ManifestEntry> recipes;  // sorted by name; entries with invalid names dropped
};

// Parses and checks a manifest; `origin` names it in errors. An unknown schema version is refused.
Result<Manifest> parse_manifest(std::string_view text, std::string_view origin);

// The manifest to search: the cached copy (or the local file registry.manifest_url names);
// nullopt when none is cached. Never uses the network.
Result<std::optional<Manifest>> load_manifest(const RegistrySettings& settings);

struct ManifestUpdate {
  bool changed = false;  // the stored manifest differs from the one before
  size_t recipes = 0;
  std::vector<std::string> added;    // names new since the previous manifest
  std::vector<std::string> removed;  // names gone since the previous manifest
};

// Fetches the manifest (If-None-Match with the cached ETag), checks it and stores it
// atomically. A local manifest file is only read and checked.
Result<ManifestUpdate> update_manifest(const RegistrySettings& settings);

}  // namespace tailor::registry
