#pragma once
// The download settings: [fetch] and [[mirrors]] of $TAILOR_HOME/config.toml
// (fetch-and-coordination.md §1.1) plus the timeouts taken from the environment.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace tailor::fetch {

enum class Strategy { failover, round_robin, least_busy };
std::string_view strategy_name(Strategy strategy);

struct Mirror {
  std::string prefix;     // URLs starting with this ...
  std::string url;        // ... are also served from here (prefix replaced by url)
  std::string name;       // shown in messages and status; defaults to url
  std::string token_env;  // optional: bearer token read from this environment variable
};

struct FetchConfig {
  std::vector<Mirror> mirrors;
  Strategy strategy = Strategy::failover;
  int parallel = 4;
  uint64_t max_bytes = uint64_t{4} << 30;
  std::chrono::milliseconds connect_timeout{30'000};
  std::chrono::milliseconds stall_timeout{60'000};      // abort when under 1 byte/s this long
  std::chrono::milliseconds total_budget{30 * 60'000};  // wall time per artifact, retries included
  bool allow_insecure_loopback = false;                 // TAILOR_ALLOW_INSECURE_LOOPBACK=1 (tests only)
  std::string ca_bundle;                                // TAILOR_CA_BUNDLE: PEM file of trusted CAs
};

// Parses the [fetch] and [[mirrors]] tables of a config.toml document. `source` names the
// file in errors (`config.toml:LINE:COL: message`). Other tables are ignored.
Result<FetchConfig> parse_fetch_config(std::string_view toml_text, std::string_view source);

// Loads `<home>/config.toml` (missing file: defaults), then applies the environment:
// TAILOR_STALL_TIMEOUT (duration like `60s`, or whole seconds), TAILOR_CA_BUNDLE,
// TAILOR_ALLOW_INSECURE_LOOPBACK.
Result<FetchConfig> load_fetch_config(const std::filesystem::path& home);

// Whether `url` may be fetched: https always; http only to a loopback host when allowed.
Status check_url_allowed(std::string_view url, bool allow_insecure_loopback);

}  // namespace tailor::fetch
