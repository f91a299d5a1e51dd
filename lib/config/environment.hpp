#pragma once
// The environment variables tailor reads and the one way library code reads them (docs/config.md,
// "Environment variables"): a variable of config/environment_list.hpp by its EnvVar, a key's
// override variable through the key registry, and nothing else unless a caller says why.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/environment_list.hpp"
#include "config/keys.hpp"

namespace tailor::config {

#define TAILOR_ENV_ENUMERATOR(id, name, prefix, doc, section, what) id,
enum class EnvVar : std::size_t { TAILOR_ENVIRONMENT(TAILOR_ENV_ENUMERATOR) };
#undef TAILOR_ENV_ENUMERATOR

struct EnvVarDef {
  EnvVar var;
  std::string_view name;         // "TAILOR_CA_BUNDLE"; a family as documented: "TAILOR_SECRET_<NAME>", "VK_*"
  std::string_view prefix;       // what a family's members start with ("VK_"); "" for one variable
  std::string_view doc;          // the page that documents it: "docs/downloads.md"
  std::string_view section;      // the heading of that page whose section names it
  std::string_view description;  // what it does, one line
};

// Every entry of config/environment_list.hpp, in EnvVar order.
std::span<const EnvVarDef> environment_variables();

// The entry of one variable.
const EnvVarDef& env_def(EnvVar var);

// The value of a single variable; nullopt when it is unset. An empty variable is "": whether
// that counts as unset is the caller's rule, as each page documents it.
std::optional<std::string> env_value(EnvVar var);

// The value of a key's override variable (KeyDef::env); nullopt when the key has none or it is unset.
std::optional<std::string> env_value(const KeyDef& key);

// The value of a variable whose name another table holds (the platform facts, the GPU visibility
// variables, a secret's variable). The name must be a single variable of the list, a member of one
// of its families or a key's override variable; anything else is a broken invariant (std::logic_error).
std::optional<std::string> registered_env_value(std::string_view name);

// The value of a variable the user named in the configuration (a mirror's token_env,
// events.webhook_secret_env), which no list can hold.
std::optional<std::string> configured_env_value(std::string_view name);

// "NAME=value" of every set variable of a family (EnvVar::vk_variables), in the environment's order.
std::vector<std::string> env_family_entries(EnvVar family);

}  // namespace tailor::config
