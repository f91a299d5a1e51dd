#include "fetch/fetch_config.hpp"

#include <toml++/toml.h>

#include "config/config.hpp"
#include "config/environment.hpp"
#include "fetch/oci_client.hpp"
#include "fetch/url.hpp"
#include "util/strings.hpp"
#include "util/toml_limits.hpp"

namespace tailor::fetch {
namespace {

std::string where(std::string_view source, const toml::source_region& region) {
  return fmt::format("{}:{}:{}", source, region.begin.line, region.begin.column);
}

template <typename... Args>
tl::unexpected<Error> invalid(std::string_view source, const toml::node& node, fmt::format_string<Args...> format,
                              Args&&... args) {
  return fail(ErrorKind::failure, "{}: {}", where(source, node.source()),
              fmt::format(format, std::forward<Args>(args)...));
}

Result<std::string> string_field(const toml::table& table, std::string_view key, std::string_view source,
                                 bool required) {
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    if (required) return invalid(source, table, "[[mirrors]] entry needs `{}`", key);
    return std::string();
  }
  auto value = node->value<std::string>();
  if (!value) return invalid(source, *node, "`{}` must be a string", key);
  return *value;
}

// An `oci://` mirror: any prefix (none = every URL), credentials from secrets.<secret>.
Status parse_oci_mirror(const toml::table& table, std::string_view source, const config::Config& settings,
                        Mirror& mirror) {
  auto where = parse_oci_url(mirror.url);
  if (!where) return invalid(source, *table.get("url"), "mirror {}: {}", mirror.name, where.error().message);
  if (!where->tag.empty()) {
    return invalid(source, *table.get("url"), "mirror {}: an oci:// mirror names a repository, not a tag", mirror.name);
  }
  auto username = string_field(table, "username", source, false);
  if (!username) return fail(username.error());
  auto secret = string_field(table, "secret", source, false);
  if (!secret) return fail(secret.error());
  mirror.oci = true;
  mirror.username = *username;
  mirror.secret = util::to_lower(*secret);
  if (!mirror.secret.empty()) mirror.password = settings.secret(mirror.secret).value_or("");
  return {};
}

Status parse_mirrors(const toml::node& node, std::string_view source, const config::Config& settings,
                     bool allow_insecure, FetchConfig& config) {
  const toml::array* entries = node.as_array();
  if (entries == nullptr) return invalid(source, node, "`mirrors` must be an array of tables ([[mirrors]])");
  for (const toml::node& entry : *entries) {
    const toml::table* table = entry.as_table();
    if (table == nullptr) return invalid(source, entry, "each [[mirrors]] entry must be a table");
    for (const auto& [key, value] : *table) {
      if (key != "prefix" && key != "url" && key != "name" && key != "token_env" && key != "username" &&
          key != "secret") {
        return invalid(source, value,
                       "unknown key `{}` in [[mirrors]] (expected prefix, url, name, token_env, username, secret)",
                       key.str());
      }
    }
    Mirror mirror;
    auto url = string_field(*table, "url", source, true);
    if (!url) return fail(url.error());
    auto prefix = string_field(*table, "prefix", source, !is_oci_url(*url));
    if (!prefix) return fail(prefix.error());
    auto name = string_field(*table, "name", source, false);
    if (!name) return fail(name.error());
    auto token_env = string_field(*table, "token_env", source, false);
    if (!token_env) return fail(token_env.error());
    mirror.prefix = *prefix;
    mirror.url = *url;
    mirror.name = name->empty() ? *url : *name;
    mirror.token_env = *token_env;
    if (is_oci_url(mirror.url)) {
      if (auto oci = parse_oci_mirror(*table, source, settings, mirror); !oci) return oci;
      config.mirrors.push_back(std::move(mirror));
      continue;
    }
    if (table->contains("username") || table->contains("secret")) {
      return invalid(source, *table, "mirror {}: `username` and `secret` are for oci:// mirrors", mirror.name);
    }
    if (mirror.prefix.empty()) return invalid(source, *table, "[[mirrors]] `prefix` must not be empty");
    if (auto allowed = check_url_allowed(mirror.url, allow_insecure); !allowed) {
      return invalid(source, *table->get("url"), "mirror {}: {}", mirror.name, allowed.error().message);
    }
    // Prefix and url are joined by plain concatenation, so their trailing slashes must agree.
    if ((mirror.prefix.back() == '/') != (mirror.url.back() == '/')) {
      return invalid(source, *table->get("url"), "mirror {}: `prefix` and `url` must both end with '/' or neither",
                     mirror.name);
    }
    config.mirrors.push_back(std::move(mirror));
  }
  return {};
}

Strategy strategy_named(std::string_view name) {
  if (name == "round-robin") return Strategy::round_robin;
  if (name == "least-busy") return Strategy::least_busy;
  return Strategy::failover;
}

bool insecure_loopback_allowed() { return config::env_value(config::EnvVar::tailor_allow_insecure_loopback) == "1"; }

}  // namespace

std::string_view strategy_name(Strategy strategy) {
  switch (strategy) {
  case Strategy::failover: return "failover";
  case Strategy::round_robin: return "round-robin";
  case Strategy::least_busy: return "least-busy";
  }
  return "failover";
}

Status check_url_allowed(std::string_view url, bool allow_insecure_loopback) {
  auto parts = parse_url(url);
  if (!parts) return fail(ErrorKind::invalid_input, "not a valid URL: {}", url);
  if (parts->scheme == "https") return {};
  if (parts->scheme == "http" && is_loopback_host(parts->host)) {
    if (allow_insecure_loopback) return {};
    return fail(ErrorKind::invalid_input,
                "refusing plain HTTP URL {} (only HTTPS is allowed; TAILOR_ALLOW_INSECURE_LOOPBACK=1 permits "
                "http:// to loopback for tests)",
                url);
  }
  return fail(ErrorKind::invalid_input, "refusing non-HTTPS URL {} (only https:// downloads are allowed)", url);
}

std::string size_limit_text(const FetchConfig& config) {
  const config::KeyDef* def = config::find_key(config.max_bytes_key);
  std::string variable = def != nullptr && !def->env.empty() ? fmt::format(" (or {})", def->env) : "";
  return fmt::format("{} ({} bytes); raise {} in config.toml{} to allow it", config.max_bytes_key, config.max_bytes,
                     config.max_bytes_key, variable);
}

Result<FetchConfig> fetch_config_from(const config::Config& settings) {
  FetchConfig config;
  config.allow_insecure_loopback = insecure_loopback_allowed();
  config.strategy = strategy_named(settings.get("fetch.strategy"));
  config.mirrors_only = settings.boolean("mirrors.only");
  config.parallel = static_cast<int>(settings.integer("fetch.parallel"));
  config.retries = static_cast<int>(settings.integer("network.retries"));
  config.stall_timeout = settings.duration("network.stall_timeout");
  // Two keys bound one download; the smaller wins and is the one named when it refuses.
  config.max_bytes = settings.size("fetch.max_bytes");
  config.max_bytes_key = "fetch.max_bytes";
  if (uint64_t download = settings.size("network.max_download_size"); download < config.max_bytes) {
    config.max_bytes = download;
    config.max_bytes_key = "network.max_download_size";
  }
  const std::string source = settings.path().string();
  if (const toml::node* mirrors = settings.document().get("mirrors")) {
    if (auto parsed = parse_mirrors(*mirrors, source, settings, config.allow_insecure_loopback, config); !parsed) {
      return fail(parsed.error());
    }
  }
  return config;
}

Result<FetchConfig> parse_fetch_config(std::string_view toml_text, std::string_view source) {
  if (auto exceeded = util::check_toml_limits(toml_text)) {
    return fail(ErrorKind::invalid_input, "{}:{}:{}: {}", source, exceeded->line, exceeded->column, exceeded->message);
  }
  toml::table document;
  try {
    document = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return fail(ErrorKind::failure, "{}: {}", where(source, e.source()), e.description());
  }
  auto settings = config::config_from_document(std::move(document), source, nullptr, config::uses::download);
  if (!settings) return fail(settings.error());
  return fetch_config_from(*settings);
}

Result<FetchConfig> load_fetch_config(const std::filesystem::path& home) {
  auto settings = config::load_config(home, nullptr, config::uses::download);
  if (!settings) return fail(settings.error());
  auto config = fetch_config_from(*settings);
  if (!config) return config;
  std::error_code ec;
  if (auto bundle = config::env_value(config::EnvVar::tailor_ca_bundle); bundle && !bundle->empty()) {
    if (!std::filesystem::is_regular_file(*bundle, ec)) {
      return fail(ErrorKind::usage, "TAILOR_CA_BUNDLE={} is not a readable file", *bundle);
    }
    config->ca_bundle = *bundle;
  }
  return config;
}

}  // namespace tailor::fetch
