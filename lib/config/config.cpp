#include "config/config.hpp"

#include <sys/stat.h>
#include <cctype>
#include <set>
#include <stdexcept>

#include "config/document.hpp"
#include "config/environment.hpp"
#include "config/values.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::config {
namespace fs = std::filesystem;
namespace {

constexpr uint64_t k_max_config_bytes = 1 << 20;

// A secret's variable: unset and empty are the same (docs/config.md, "Secrets").
std::string secret_env_value(std::string_view name) { return registered_env_value(name).value_or(""); }

std::string position(const fs::path& path, const toml::source_region& where) {
  return path.string() + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
}

// The text a user would have typed for the node, or nullopt when its TOML type cannot hold
// a value of this key (a number for a duration, a string for a boolean, ...).
std::optional<std::string> raw_text(const KeyDef& def, const toml::node& node) {
  if (auto text = node.value<std::string>(); text && def.type != ValueType::integer && def.type != ValueType::boolean) {
    return *text;
  }
  if (auto number = node.as_integer(); number && (def.type == ValueType::integer || def.type == ValueType::size)) {
    return std::to_string(number->get());
  }
  if (auto flag = node.as_boolean(); flag && def.type == ValueType::boolean) return flag->get() ? "true" : "false";
  return std::nullopt;
}

void warn_unknown_keys(const fs::path& path, const toml::table& document, std::vector<std::string>& warnings) {
  std::vector<std::string> names;
  for (const auto& def : key_definitions()) names.emplace_back(def.name);
  for (const auto& [section, node] : document) {
    const auto* table = node.as_table();
    std::string lower_section = util::to_lower(section.str());
    if (table == nullptr || lower_section == "secrets") continue;
    bool known_section = false;
    for (const auto& name : names) known_section = known_section || name.starts_with(lower_section + ".");
    if (!known_section) continue;
    for (const auto& [key, value] : *table) {
      std::string full = lower_section + "." + util::to_lower(key.str());
      if (find_key(full) != nullptr) continue;
      auto match = util::closest_match(full, names);
      warnings.push_back(position(path, value.source()) + ": unknown key " + full + " is ignored" +
                         (match ? " (did you mean " + *match + "?)" : ""));
    }
  }
}

// One command loads the configuration in several places; each warning is said once.
void say_once(const util::Output& output, const std::string& warning) {
  static std::set<std::string> said;
  if (said.insert(warning).second) output.warn("{}", warning);
}

}  // namespace

std::string_view origin_name(Origin origin) {
  switch (origin) {
  case Origin::file: return "file";
  case Origin::env: return "env";
  case Origin::default_value: break;
  }
  return "default";
}

Config::Config() {
  for (const auto& def : key_definitions()) {
    if (def.type == ValueType::secret) continue;
    m_settings[std::string(def.name)] =
        Setting{std::string(def.name), std::string(def.default_value), Origin::default_value, "", &def};
  }
}

Result<Setting> Config::lookup(std::string_view key) const {
  auto def = require_key(key);
  if (!def) return fail(def.error());
  std::string lower = util::to_lower(key);
  if ((*def)->type != ValueType::secret) return m_settings.find(lower)->second;
  std::string name = lower.substr(std::string_view("secrets.").size());
  Setting setting{lower, "(not set)", Origin::default_value, "", *def};
  for (const auto& variable : secret_env_names(name)) {
    if (!secret_env_value(variable).empty()) return Setting{lower, "(set)", Origin::env, variable, *def};
  }
  if (m_file_secrets.contains(name)) setting = Setting{lower, "(set)", Origin::file, "", *def};
  return setting;
}

std::vector<Setting> Config::list() const {
  std::vector<Setting> settings;
  for (const auto& def : key_definitions()) {
    if (def.type != ValueType::secret) settings.push_back(m_settings.find(def.name)->second);
  }
  std::vector<std::string> names{"github_token"};
  for (const auto& [name, value] : m_file_secrets) {
    if (name != "github_token") names.push_back(name);
  }
  for (const auto& name : names) {
    if (auto setting = lookup("secrets." + name)) settings.push_back(*setting);
  }
  return settings;
}

std::string Config::get(std::string_view key) const {
  auto found = m_settings.find(key);
  if (found == m_settings.end()) throw std::logic_error("unknown config key " + std::string(key));
  return found->second.value;
}

std::chrono::milliseconds Config::duration(std::string_view key) const {
  return parse_duration(get(key)).value_or(std::chrono::milliseconds(0));
}

uint64_t Config::size(std::string_view key) const { return parse_size(get(key)).value_or(0); }

int64_t Config::integer(std::string_view key) const { return std::stoll(get(key)); }

bool Config::boolean(std::string_view key) const { return get(key) == "true"; }

std::optional<std::string> Config::secret(std::string_view name) const {
  std::string lower = util::to_lower(name);
  for (const auto& variable : secret_env_names(lower)) {
    if (auto value = secret_env_value(variable); !value.empty()) return value;
  }
  if (auto found = m_file_secrets.find(lower); found != m_file_secrets.end()) return found->second;
  return std::nullopt;
}

std::vector<std::string> secret_env_names(std::string_view name) {
  if (name == "github_token") return {"GITHUB_TOKEN", "GH_TOKEN"};
  std::string upper;
  for (char c : name) upper += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return {"TAILOR_SECRET_" + upper};
}

Result<Config> load_config(const fs::path& home, const util::Output* output, Uses uses) {
  fs::path path = home / "config.toml";
  std::error_code ec;
  toml::table document;
  if (fs::exists(path, ec)) {
    auto parsed = parse_config_document(path);
    if (!parsed) return fail(parsed.error());
    document = std::move(*parsed);
  }
  std::string mode_warning;
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    mode_warning = fmt::format("{} is accessible by other users (mode {:04o}); run: chmod 600 {}", path.string(),
                               info.st_mode & 0777, path.string());
    if (output != nullptr) say_once(*output, mode_warning);
  }
  auto config = config_from_document(std::move(document), path, output, uses);
  if (config && !mode_warning.empty()) config->m_warnings.insert(config->m_warnings.begin(), mode_warning);
  return config;
}

Result<Config> config_from_document(toml::table document, const fs::path& path, const util::Output* output, Uses uses) {
  Config config;
  config.m_path = path;
  config.m_document = std::move(document);
  warn_unknown_keys(config.m_path, config.m_document, config.m_warnings);

  // A key this command uses must be valid; any other invalid key is only a warning.
  std::vector<std::string> errors;
  std::vector<std::string> env_errors;
  auto reject = [&](const Setting& setting, std::string message, std::vector<std::string>& sink) {
    if ((setting.def->uses & uses) != 0) {
      sink.push_back(std::move(message));
    } else {
      config.m_warnings.push_back(message + "; ignored, as this command does not use " + setting.key);
    }
  };
  for (auto& [key, setting] : config.m_settings) {
    const toml::node* node = find_value(config.m_document, key);
    if (node == nullptr) continue;
    auto raw = raw_text(*setting.def, *node);
    auto value = raw ? normalize_value(*setting.def, key, *raw)
                     : fail(ErrorKind::failure, "{} has the wrong TOML type; expected {}", key,
                            setting.def->type == ValueType::integer   ? "an integer"
                            : setting.def->type == ValueType::boolean ? "true or false"
                                                                      : "a string");
    if (!value) {
      reject(setting, position(config.m_path, node->source()) + ": " + value.error().message, errors);
      continue;
    }
    setting.value = value->display;
    setting.origin = Origin::file;
  }
  if (const auto* secrets = find_table(config.m_document, "secrets")) {
    for (const auto& [name, node] : *secrets) {
      std::string key = "secrets." + util::to_lower(name.str());
      auto text = node.value<std::string>();
      if (text && !text->empty()) {
        config.m_file_secrets[util::to_lower(name.str())] = *text;
      } else if (const KeyDef* def = find_key(key)) {
        reject(Setting{key, "", Origin::file, "", def},
               position(config.m_path, node.source()) + ": " + key + " must be a non-empty string", errors);
      }
    }
  }
  for (auto& [key, setting] : config.m_settings) {
    if (setting.def->env.empty()) continue;
    std::string value = env_value(*setting.def).value_or("");
    if (value.empty()) continue;
    auto normalized = normalize_value(*setting.def, key, value);
    if (!normalized) {
      reject(setting, std::string(setting.def->env) + ": " + normalized.error().message, env_errors);
      continue;
    }
    setting = Setting{key, normalized->display, Origin::env, std::string(setting.def->env), setting.def};
  }
  if (output != nullptr) {
    for (const auto& warning : config.m_warnings) say_once(*output, warning);
  }
  if (!errors.empty() || !env_errors.empty()) {
    // A bad file is exit 1 (docs/config.md); a bad variable alone, a usage error (exit 2).
    ErrorKind kind = errors.empty() ? ErrorKind::usage : ErrorKind::failure;
    errors.insert(errors.end(), env_errors.begin(), env_errors.end());
    return fail(kind, "{}", util::join(errors, "\n"));
  }
  return config;
}

std::string effective_backend(const Config& config, std::string_view flag) {
  if (!flag.empty()) return std::string(flag);
  return config.get("llm.backend");
}

}  // namespace tailor::config
