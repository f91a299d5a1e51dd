#include "config/environment.hpp"

#include <array>
#include <cstdlib>
#include <stdexcept>

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace tailor::config {
namespace {

#define TAILOR_ENV_ROW(id, name, prefix, doc, section, what) EnvVarDef{EnvVar::id, name, prefix, doc, section, what},
constexpr std::array k_variables{TAILOR_ENVIRONMENT(TAILOR_ENV_ROW)};
#undef TAILOR_ENV_ROW

constexpr bool list_is_well_formed() {
  for (std::size_t i = 0; i < k_variables.size(); ++i) {
    const EnvVarDef& def = k_variables[i];
    bool family = def.name.ends_with("<NAME>") || def.name.ends_with("*");
    if (family != !def.prefix.empty() || (family && !def.name.starts_with(def.prefix))) return false;
    for (std::size_t j = i + 1; j < k_variables.size(); ++j) {
      if (k_variables[j].name == def.name) return false;
    }
  }
  return true;
}
static_assert(list_is_well_formed(),
              "config/environment_list.hpp: each name once; a family (<NAME> or *) and only a family has a prefix");

// The only read of the process environment by name in lib/ (docs/config.md, "Environment variables").
std::optional<std::string> read_variable(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace

std::span<const EnvVarDef> environment_variables() { return k_variables; }

const EnvVarDef& env_def(EnvVar var) { return k_variables.at(static_cast<std::size_t>(var)); }

std::optional<std::string> env_value(EnvVar var) {
  const EnvVarDef& def = env_def(var);
  if (!def.prefix.empty()) throw std::logic_error("env_value of the family " + std::string(def.name));
  return read_variable(def.name);
}

std::optional<std::string> env_value(const KeyDef& key) {
  if (key.env.empty()) return std::nullopt;
  return read_variable(key.env);
}

std::optional<std::string> registered_env_value(std::string_view name) {
  for (const EnvVarDef& def : k_variables) {
    if (def.prefix.empty() ? name == def.name : name.starts_with(def.prefix)) return read_variable(name);
  }
  for (const KeyDef& key : key_definitions()) {
    if (!key.env.empty() && key.env == name) return read_variable(name);
  }
  throw std::logic_error("environment variable " + std::string(name) +
                         " is in neither config/environment_list.hpp nor the key registry");
}

std::optional<std::string> configured_env_value(std::string_view name) { return read_variable(name); }

std::vector<std::string> env_family_entries(EnvVar family) {
  const EnvVarDef& def = env_def(family);
  if (def.prefix.empty()) throw std::logic_error("env_family_entries of the single variable " + std::string(def.name));
  std::vector<std::string> entries;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (std::string_view(*entry).starts_with(def.prefix)) entries.emplace_back(*entry);
  }
  return entries;
}

}  // namespace tailor::config
