#pragma once
// The download settings: the fetch.* and network.* keys of the config registry (file, then
// environment; docs/config.md), [[mirrors]] of $TAILOR_HOME/config.toml (docs/mirrors.md),
// and the test and trust variables TAILOR_ALLOW_INSECURE_LOOPBACK and TAILOR_CA_BUNDLE.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "util/result.hpp"

namespace tailor::fetch {

enum class Strategy { failover, round_robin, least_busy };
std::string_view strategy_name(Strategy strategy);

struct Mirror {
  std::string prefix;     // URLs starting with this ...
  std::string url;        // ... are also served from here (prefix replaced by url)
  std::string name;       // shown in messages and status; defaults to url
  std::string token_env;  // optional: bearer token read from this environment variable
  // An OCI registry mirror (`url = "oci://HOST[:PORT]/NAMESPACE"`, docs/fleets.md): serves
  // artifacts with a known SHA-256 as blobs; `prefix` may be empty (every URL).
  bool oci = false;
  std::string username{};  // registry user name ("" = anonymous, or `secret` is a bearer token)
  std::string secret{};    // name of the secrets.<name> holding the password or token
  std::string password{};  // that secret's value ("" when unset)
};

struct FetchConfig {
  std::vector<Mirror> mirrors;
  Strategy strategy = Strategy::failover;
  int parallel = 4;
  uint64_t max_bytes = uint64_t{4} << 30;         // the smaller of fetch.max_bytes and network.max_download_size
  std::string max_bytes_key = "fetch.max_bytes";  // the key that set max_bytes, named when it refuses
  int retries = 3;                                // network.retries: attempts per host = retries + 1
  std::chrono::milliseconds connect_timeout{30'000};
  std::chrono::milliseconds stall_timeout{60'000};      // abort when under 1 byte/s this long
  std::chrono::milliseconds total_budget{30 * 60'000};  // wall time per artifact, retries included
  bool mirrors_only = false;                            // mirrors.only: never the original URLs
  bool allow_insecure_loopback = false;                 // TAILOR_ALLOW_INSECURE_LOOPBACK=1 (tests only)
  std::string ca_bundle;                                // TAILOR_CA_BUNDLE: PEM file of trusted CAs
};

// "<key> (N bytes); raise <key> in config.toml (or <VARIABLE>) to allow it": the size limit
// as refusals name it.
std::string size_limit_text(const FetchConfig& config);

// The download settings of a loaded configuration; fails on an invalid [[mirrors]] entry.
Result<FetchConfig> fetch_config_from(const config::Config& settings);

// Parses a config.toml document (with the registry's environment overrides on top). `source`
// names the file in errors (`config.toml:LINE:COL: message`).
Result<FetchConfig> parse_fetch_config(std::string_view toml_text, std::string_view source);

// Loads `<home>/config.toml` (missing file: defaults) for downloading: an invalid value of a
// key downloads use fails; then TAILOR_CA_BUNDLE must name a file.
Result<FetchConfig> load_fetch_config(const std::filesystem::path& home);

// Whether `url` may be fetched: https always; http only to a loopback host when allowed.
Status check_url_allowed(std::string_view url, bool allow_insecure_loopback);

}  // namespace tailor::fetch
