#pragma once
// $TAILOR_HOME/config.toml (docs/config.md): effective values with their origin
// (default < file < environment), and in-place edits that keep unknown keys and tables.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/keys.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::config {

enum class Origin { default_value, file, env };
std::string_view origin_name(Origin origin);

// One effective value. Secrets display as "(set)" / "(not set)", never their value.
struct Setting {
  std::string key;
  std::string value;
  Origin origin = Origin::default_value;
  std::string env;  // the variable that supplied the value when origin == env
  const KeyDef* def = nullptr;
};

class Config {
 public:
  // A configuration with every key at its default (no file, no environment).
  Config();

  const std::filesystem::path& path() const { return m_path; }
  // The effective setting of a known key; unknown keys fail (usage) with a suggestion.
  Result<Setting> lookup(std::string_view key) const;
  // Every key of the registry, then the secrets known from the file or environment.
  std::vector<Setting> list() const;

  // Effective display value of a registry key; throws std::logic_error for an unknown key.
  std::string get(std::string_view key) const;
  std::chrono::milliseconds duration(std::string_view key) const;
  uint64_t size(std::string_view key) const;
  int64_t integer(std::string_view key) const;
  bool boolean(std::string_view key) const;
  // A secret: the first non-empty environment variable for it, then [secrets] in the file.
  std::optional<std::string> secret(std::string_view name) const;

  // The parsed file, for tables outside the registry (e.g. [[mirrors]]).
  const toml::table& document() const { return m_document; }
  // Problems worth a warning (file mode, unknown keys in known tables).
  const std::vector<std::string>& warnings() const { return m_warnings; }

 private:
  friend Result<Config> load_config(const std::filesystem::path& home, const util::Output* output, Uses uses);
  friend Result<Config> config_from_document(toml::table document, const std::filesystem::path& path,
                                             const util::Output* output, Uses uses);
  std::filesystem::path m_path;
  toml::table m_document;
  std::map<std::string, Setting, std::less<>> m_settings;
  std::map<std::string, std::string, std::less<>> m_file_secrets;
  std::vector<std::string> m_warnings;
};

// Loads `<home>/config.toml` (missing: defaults) and applies environment overrides (the
// environment wins). A parse error fails as `<path>:LINE:COL: message`. An invalid value of a
// key whose uses meet `uses` fails the same way (or names its variable); an invalid value of
// any other key is a warning and that key keeps its default. Warnings go to `output` when
// given, each once per process.
Result<Config> load_config(const std::filesystem::path& home, const util::Output* output = nullptr,
                           Uses uses = uses::all);

// The same for a document already parsed from `path` (which names it in messages).
Result<Config> config_from_document(toml::table document, const std::filesystem::path& path,
                                    const util::Output* output = nullptr, Uses uses = uses::all);

// Validates and stores `key = value`, editing the document in place; returns the new setting.
Result<Setting> set_config_value(const std::filesystem::path& home, std::string_view key, std::string_view value);
// Removes `key` from the file; false when it was not there.
Result<bool> unset_config_value(const std::filesystem::path& home, std::string_view key);

// The environment variables consulted for secret `name`, in order.
std::vector<std::string> secret_env_names(std::string_view name);

// The backend to use: `flag` (--backend) when given, else TAILOR_BACKEND, else llm.backend, else "auto".
std::string effective_backend(const Config& config, std::string_view flag = {});

}  // namespace tailor::config
