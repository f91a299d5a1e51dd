#include "fetch/fetch_config.hpp"

#include <cstdlib>

#include <toml++/toml.h>

#include "config/values.hpp"
#include "fetch/url.hpp"
#include "util/fs.hpp"
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

Status parse_mirrors(const toml::node& node, std::string_view source, bool allow_insecure, FetchConfig& config) {
  const toml::array* entries = node.as_array();
  if (entries == nullptr) return invalid(source, node, "`mirrors` must be an array of tables ([[mirrors]])");
  for (const toml::node& entry : *entries) {
    const toml::table* table = entry.as_table();
    if (table == nullptr) return invalid(source, entry, "each [[mirrors]] entry must be a table");
    for (const auto& [key, value] : *table) {
      if (key != "prefix" && key != "url" && key != "name" && key != "token_env") {
        return invalid(source, value, "unknown key `{}` in [[mirrors]] (expected prefix, url, name, token_env)",
                       key.str());
      }
    }
    Mirror mirror;
    auto prefix = string_field(*table, "prefix", source, true);
    if (!prefix) return fail(prefix.error());
    auto url = string_field(*table, "url", source, true);
    if (!url) return fail(url.error());
    auto name = string_field(*table, "name", source, false);
    if (!name) return fail(name.error());
    auto token_env = string_field(*table, "token_env", source, false);
    if (!token_env) return fail(token_env.error());
    mirror.prefix = *prefix;
    mirror.url = *url;
    mirror.name = name->empty() ? *url : *name;
    mirror.token_env = *token_env;
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

Result<uint64_t> size_value(const toml::node& node, std::string_view source) {
  if (auto number = node.value<int64_t>()) {
    if (*number <= 0) return invalid(source, node, "`max_bytes` must be positive");
    return static_cast<uint64_t>(*number);
  }
  if (auto text = node.value<std::string>()) {
    if (auto parsed = config::parse_size(*text); parsed && *parsed > 0) return *parsed;
  }
  return invalid(source, node, "`max_bytes` must be a positive number of bytes or a size like \"4GiB\"");
}

Status parse_fetch_table(const toml::node& node, std::string_view source, FetchConfig& config) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return invalid(source, node, "`fetch` must be a table");
  for (const auto& [key, value] : *table) {
    if (key == "strategy") {
      auto text = value.value<std::string>();
      if (text == "failover")
        config.strategy = Strategy::failover;
      else if (text == "round-robin")
        config.strategy = Strategy::round_robin;
      else if (text == "least-busy")
        config.strategy = Strategy::least_busy;
      else
        return invalid(source, value, "`strategy` must be \"failover\", \"round-robin\" or \"least-busy\"");
    } else if (key == "parallel") {
      auto number = value.value<int64_t>();
      if (!number || *number < 1 || *number > 64) return invalid(source, value, "`parallel` must be an integer 1-64");
      config.parallel = static_cast<int>(*number);
    } else if (key == "max_bytes") {
      auto size = size_value(value, source);
      if (!size) return fail(size.error());
      config.max_bytes = *size;
    } else {
      return invalid(source, value, "unknown key `{}` in [fetch] (expected strategy, parallel, max_bytes)", key.str());
    }
  }
  return {};
}

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

Result<FetchConfig> parse_fetch_config(std::string_view toml_text, std::string_view source) {
  FetchConfig config;
  config.allow_insecure_loopback = [] {
    const char* value = std::getenv("TAILOR_ALLOW_INSECURE_LOOPBACK");
    return value != nullptr && std::string_view(value) == "1";
  }();
  if (auto exceeded = util::check_toml_limits(toml_text)) {
    return fail(ErrorKind::invalid_input, "{}:{}:{}: {}", source, exceeded->line, exceeded->column, exceeded->message);
  }
  toml::table document;
  try {
    document = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return fail(ErrorKind::failure, "{}: {}", where(source, e.source()), e.description());
  }
  if (const toml::node* fetch = document.get("fetch")) {
    if (auto parsed = parse_fetch_table(*fetch, source, config); !parsed) return fail(parsed.error());
  }
  if (const toml::node* mirrors = document.get("mirrors")) {
    if (auto parsed = parse_mirrors(*mirrors, source, config.allow_insecure_loopback, config); !parsed) {
      return fail(parsed.error());
    }
  }
  return config;
}

Result<FetchConfig> load_fetch_config(const std::filesystem::path& home) {
  std::filesystem::path file = home / "config.toml";
  std::string text;
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    auto content = util::read_file(file, 1 << 20);
    if (!content) return fail(content.error());
    text = std::move(*content);
  }
  auto config = parse_fetch_config(text, file.string());
  if (!config) return config;
  if (const char* stall = std::getenv("TAILOR_STALL_TIMEOUT"); stall != nullptr && *stall != '\0') {
    std::string_view value(stall);
    auto parsed = config::parse_duration(value);
    if (!parsed && value.find_first_not_of("0123456789") == std::string_view::npos && value.size() < 6) {
      parsed = std::chrono::seconds(std::stoi(std::string(value)));
    }
    if (!parsed || parsed->count() < 1000) {
      return fail(ErrorKind::usage, "TAILOR_STALL_TIMEOUT={} is not a duration of at least 1s (e.g. 60s, 2m)", value);
    }
    config->stall_timeout = *parsed;
  }
  if (const char* bundle = std::getenv("TAILOR_CA_BUNDLE"); bundle != nullptr && *bundle != '\0') {
    if (!std::filesystem::is_regular_file(bundle, ec)) {
      return fail(ErrorKind::usage, "TAILOR_CA_BUNDLE={} is not a readable file", bundle);
    }
    config->ca_bundle = bundle;
  }
  return config;
}

}  // namespace tailor::fetch
