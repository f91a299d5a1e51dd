#include "config/keys.hpp"

#include <array>
#include <charconv>
#include <regex>
#include <vector>

#include "config/values.hpp"
#include "util/strings.hpp"
#include "util/suggest.hpp"

namespace tailor::config {
namespace {

constexpr std::array<std::string_view, 7> k_backends{"auto", "cpu", "cuda", "rocm", "sycl", "vulkan", "metal"};
constexpr std::array<std::string_view, 4> k_probes{"auto", "none", "vulkan", "deep"};
constexpr std::array<std::string_view, 3> k_strategies{"failover", "round-robin", "least-busy"};

constexpr int64_t k_second = 1000;
constexpr int64_t k_minute = 60 * k_second;
constexpr int64_t k_hour = 60 * k_minute;

// Every key can be set in config.toml and overridden by its environment variable.
const auto k_keys = std::to_array<KeyDef>({
    {"llm.backend", ValueType::choice, "auto", "TAILOR_BACKEND", "Inference backend to install (--backend wins)",
     k_backends, 0, 0, uses::plan},
    {"gpu.device",
     ValueType::device,
     "",
     "TAILOR_GPU_DEVICE",
     "PCI address of the GPU to use; empty = automatic",
     {},
     0,
     0,
     uses::detect},
    {"detect.probe", ValueType::choice, "auto", "TAILOR_PROBE", "How deeply detection probes the machine", k_probes, 0,
     0, uses::detect},
    {"network.api_timeout",
     ValueType::duration,
     "30s",
     "TAILOR_API_TIMEOUT",
     "Timeout of API requests and webhook deliveries",
     {},
     k_second,
     10 * k_minute,
     uses::api | uses::events},
    {"network.stall_timeout",
     ValueType::duration,
     "60s",
     "TAILOR_STALL_TIMEOUT",
     "Abort a download that receives nothing for this long",
     {},
     k_second,
     10 * k_minute,
     uses::download},
    {"network.retries",
     ValueType::integer,
     "3",
     "TAILOR_RETRIES",
     "Retries of a failed download or webhook delivery",
     {},
     0,
     10,
     uses::download | uses::events},
    {"network.max_download_size",
     ValueType::size,
     "4GiB",
     "TAILOR_MAX_DOWNLOAD_SIZE",
     "Largest download accepted",
     {},
     0,
     0,
     uses::download},
    {"network.max_extract_size",
     ValueType::size,
     "16GiB",
     "TAILOR_MAX_EXTRACT_SIZE",
     "Largest total unpacked size of an archive",
     {},
     0,
     0,
     uses::extract},
    {"fetch.strategy", ValueType::choice, "failover", "TAILOR_FETCH_STRATEGY", "How downloads pick among mirrors",
     k_strategies, 0, 0, uses::download},
    {"fetch.parallel",
     ValueType::integer,
     "4",
     "TAILOR_FETCH_PARALLEL",
     "Downloads in flight at once",
     {},
     1,
     64,
     uses::download},
    {"mirrors.only",
     ValueType::boolean,
     "false",
     "TAILOR_MIRRORS_ONLY",
     "Download artifacts only from [[mirrors]], never from their original URLs",
     {},
     0,
     0,
     uses::download},
    {"fetch.max_bytes",
     ValueType::size,
     "4GiB",
     "TAILOR_FETCH_MAX_BYTES",
     "Refuse any single artifact larger than this",
     {},
     0,
     0,
     uses::download},
    {"events.webhook_url",
     ValueType::url,
     "",
     "TAILOR_WEBHOOK_URL",
     "POST lifecycle events here (https, or loopback http)",
     {},
     0,
     0,
     uses::events},
    {"events.webhook_secret_env",
     ValueType::env_name,
     "",
     "TAILOR_WEBHOOK_SECRET_ENV",
     "Environment variable holding the webhook signing secret",
     {},
     0,
     0,
     uses::events},
    {"events.webhook_unsigned",
     ValueType::boolean,
     "false",
     "TAILOR_WEBHOOK_UNSIGNED",
     "Allow webhook delivery without a secret",
     {},
     0,
     0,
     uses::events},
    {"events.hook_timeout",
     ValueType::duration,
     "10s",
     "TAILOR_HOOK_TIMEOUT",
     "Time a hook in $TAILOR_HOME/hooks may run",
     {},
     100,
     10 * k_minute,
     uses::events},
    {"registry.url",
     ValueType::text,
     "https://raw.githubusercontent.com/tsukumogami/tsuku/main",
     "TAILOR_REGISTRY_URL",
     "Central recipe registry: recipes at <url>/recipes/<letter>/<name>.toml; a path is a local copy",
     {},
     0,
     0,
     uses::plan},
    {"registry.manifest_url",
     ValueType::text,
     "https://tsuku.dev/recipes.json",
     "TAILOR_MANIFEST_URL",
     "The registry's list of recipes (`tailor search`); a path is a local file",
     {},
     0,
     0,
     uses::plan},
    {"registry.ttl",
     ValueType::duration,
     "24h",
     "TAILOR_REGISTRY_TTL",
     "Use a cached registry recipe this long before asking again",
     {},
     0,
     720 * k_hour,
     uses::plan},
    {"registry.stale_limit",
     ValueType::duration,
     "168h",
     "TAILOR_REGISTRY_STALE_LIMIT",
     "Use an older cached recipe this long when the registry cannot be reached",
     {},
     0,
     8760 * k_hour,
     uses::plan},
    {"registry.cache_size",
     ValueType::size,
     "50MiB",
     "TAILOR_REGISTRY_CACHE_SIZE",
     "Size cap of $TAILOR_HOME/registry (LRU)",
     {},
     0,
     0,
     uses::plan},
    {"registry.offline",
     ValueType::boolean,
     "false",
     "TAILOR_OFFLINE",
     "Never ask the registry: use cached recipes and manifest only",
     {},
     0,
     0,
     uses::plan},
    {"registry.strict",
     ValueType::boolean,
     "false",
     "TAILOR_REGISTRY_STRICT",
     "Refuse recipes from distributed registries not added with `tailor registry add`",
     {},
     0,
     0,
     uses::plan},
    {"security.require_checksum",
     ValueType::boolean,
     "false",
     "TAILOR_REQUIRE_CHECKSUM",
     "Refuse an artifact whose checksum only its first download would tell",
     {},
     0,
     0,
     uses::plan},
    {"ecosystem.npm",
     ValueType::url,
     "https://registry.npmjs.org/",
     "TAILOR_NPM_REGISTRY",
     "npm registry (or mirror) of npm_exec steps",
     {},
     0,
     0,
     uses::download},
    {"ecosystem.pypi",
     ValueType::url,
     "https://pypi.org/simple/",
     "TAILOR_PYPI_INDEX",
     "PEP 503 package index (or mirror) of pip_exec steps",
     {},
     0,
     0,
     uses::download},
    {"ecosystem.goproxy",
     ValueType::url,
     "https://proxy.golang.org",
     "TAILOR_GOPROXY",
     "Go module proxy (or mirror) of go_build steps",
     {},
     0,
     0,
     uses::download},
    {"ecosystem.crates",
     ValueType::url,
     "https://crates.io",
     "TAILOR_CRATES_REGISTRY",
     "crates.io (or mirror) that cargo_build steps download crates from",
     {},
     0,
     0,
     uses::download},
    {"ecosystem.crates_index",
     ValueType::cargo_index,
     "",
     "TAILOR_CRATES_INDEX",
     "crates index (git, or sparse+) that cargo resolves cargo_install steps against when planning",
     {},
     0,
     0,
     uses::plan},
    {"ecosystem.rubygems",
     ValueType::url,
     "https://rubygems.org",
     "TAILOR_RUBYGEMS",
     "rubygems.org (or mirror) that gem_exec steps download gems from",
     {},
     0,
     0,
     uses::download},
    {"secrets.*",
     ValueType::secret,
     "",
     "",
     "A secret; set from stdin only (github_token: GITHUB_TOKEN, GH_TOKEN)",
     {},
     0,
     0,
     uses::api},
});

std::vector<std::string> key_names() {
  std::vector<std::string> names;
  names.reserve(k_keys.size());
  for (const auto& def : k_keys) names.emplace_back(def.name);
  return names;
}

auto usage_error(std::string message) { return fail(Error{ErrorKind::usage, std::move(message)}); }

std::string suggestion(std::string_view input, std::span<const std::string> candidates) {
  return util::did_you_mean(input, candidates);
}

}  // namespace

bool is_loopback_url(std::string_view url) {
  static const std::regex k_loopback(R"(^https?://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?([/?#].*)?$)",
                                     std::regex::icase);
  return std::regex_match(url.begin(), url.end(), k_loopback);
}

std::span<const KeyDef> key_definitions() { return k_keys; }
std::span<const std::string_view> backend_names() { return k_backends; }

const KeyDef* find_key(std::string_view key) {
  static const std::regex k_secret_name(R"(^secrets\.[a-z0-9_][a-z0-9_-]*$)");
  for (const auto& def : k_keys) {
    if (def.type == ValueType::secret) {
      if (std::regex_match(key.begin(), key.end(), k_secret_name)) return &def;
    } else if (def.name == key) {
      return &def;
    }
  }
  return nullptr;
}

Result<const KeyDef*> require_key(std::string_view key) {
  std::string lower = util::to_lower(key);
  if (const KeyDef* def = find_key(lower)) return def;
  auto names = key_names();
  return usage_error("unknown config key '" + std::string(key) + "'" + suggestion(lower, names) +
                     "; known keys: " + util::join(names, ", "));
}

Result<NormalizedValue> normalize_value(const KeyDef& def, std::string_view key, std::string_view raw) {
  const std::string value(raw);
  switch (def.type) {
  case ValueType::choice: {
    // Choices are lower-case words: `CUDA` is `cuda`, stored as such.
    const std::string lower = util::to_lower(raw);
    for (auto choice : def.choices) {
      if (choice == lower) return NormalizedValue{lower, lower};
    }
    std::vector<std::string> options(def.choices.begin(), def.choices.end());
    return usage_error("invalid value '" + value + "' for " + std::string(key) + suggestion(lower, options) +
                       "; expected one of: " + util::join(options, ", "));
  }
  case ValueType::device: {
    static const std::regex k_bdf(R"(^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$)");
    if (raw.empty() || std::regex_match(value, k_bdf)) return NormalizedValue{value, value};
    return usage_error("invalid value '" + value + "' for " + std::string(key) +
                       ": expected a PCI address like 0000:03:00.0 or 03:00.0, or \"\" for automatic");
  }
  case ValueType::duration: {
    auto ms = parse_duration(raw);
    if (ms && ms->count() >= def.min && ms->count() <= def.max) {
      auto text = format_duration(*ms);
      return NormalizedValue{text, text};
    }
    std::string range = format_duration(std::chrono::milliseconds(def.min)) + " to " +
                        format_duration(std::chrono::milliseconds(def.max));
    if (ms) return usage_error(std::string(key) + ": \"" + value + "\" is out of range (" + range + ")");
    bool bare = !raw.empty() && raw.find_first_not_of("0123456789") == std::string_view::npos;
    return usage_error("invalid duration '" + value + "' for " + std::string(key) + ": expected " + range +
                       " with a unit ms, s, m or h (e.g. 30s)" + (bare ? " (did you mean '" + value + "s'?)" : ""));
  }
  case ValueType::integer: {
    int64_t number = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec == std::errc{} && end == value.data() + value.size() && number >= def.min && number <= def.max) {
      return NormalizedValue{number, std::to_string(number)};
    }
    return usage_error("invalid value '" + value + "' for " + std::string(key) + ": expected an integer from " +
                       std::to_string(def.min) + " to " + std::to_string(def.max));
  }
  case ValueType::size: {
    auto bytes = parse_size(raw);
    if (bytes && *bytes > 0 && *bytes <= static_cast<uint64_t>(INT64_MAX)) {
      auto text = format_size(*bytes);
      if (raw.find_first_not_of("0123456789") == std::string_view::npos) {
        return NormalizedValue{static_cast<int64_t>(*bytes), text};
      }
      return NormalizedValue{text, text};
    }
    return usage_error("invalid size '" + value + "' for " + std::string(key) +
                       ": expected a positive number of bytes or a size with unit KiB, MiB, GiB or TiB (e.g. 4GiB)");
  }
  case ValueType::boolean: {
    if (auto flag = parse_bool(raw)) return NormalizedValue{*flag, *flag ? "true" : "false"};
    return usage_error("invalid value '" + value + "' for " + std::string(key) + ": expected true, false, 1 or 0");
  }
  case ValueType::url: {
    if (raw.empty() || raw.starts_with("https://") || (raw.starts_with("http://") && is_loopback_url(raw))) {
      return NormalizedValue{value, value};
    }
    return usage_error("invalid URL '" + value + "' for " + std::string(key) +
                       ": expected an https:// URL (plain http:// only to a loopback address)");
  }
  case ValueType::cargo_index: {
    std::string_view url = raw;
    if (url.starts_with("sparse+")) url.remove_prefix(7);
    if (raw.empty() || url.starts_with("https://") || (url.starts_with("http://") && is_loopback_url(url))) {
      return NormalizedValue{value, value};
    }
    return usage_error(
        "invalid index URL '" + value + "' for " + std::string(key) +
        ": expected https:// (a git index) or sparse+https:// (plain http:// only to a loopback address)");
  }
  case ValueType::env_name: {
    static const std::regex k_env_name(R"(^[A-Za-z_][A-Za-z0-9_]*$)");
    if (raw.empty() || std::regex_match(value, k_env_name)) return NormalizedValue{value, value};
    return usage_error("invalid value '" + value + "' for " + std::string(key) +
                       ": expected the name of an environment variable (letters, digits, _), not the secret itself");
  }
  case ValueType::secret:
    if (raw.empty()) return usage_error("an empty value for " + std::string(key) + " is not allowed");
    return NormalizedValue{value, "(set)"};
  case ValueType::text: return NormalizedValue{value, value};
  }
  return usage_error("unsupported key " + std::string(key));
}

}  // namespace tailor::config
