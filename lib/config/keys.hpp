#pragma once
// The registry of configuration keys (platform-and-install.md §6.2, fetch-and-coordination.md
// §1.1 and §3): type, default, environment override and validation of each key.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "util/result.hpp"

namespace tailor::config {

enum class ValueType { choice, text, device, duration, integer, size, boolean, url, env_name, secret };

struct KeyDef {
  std::string_view name;  // "llm.backend"; "secrets.*" for the secrets family
  ValueType type = ValueType::text;
  std::string_view default_value;  // display form; "" for none
  std::string_view env;            // environment override, "" for none
  std::string_view description;
  std::span<const std::string_view> choices;  // ValueType::choice
  int64_t min = 0;                            // integer bound, or duration bound in ms
  int64_t max = 0;
};

// A validated value: what goes into the TOML document and how it prints.
struct NormalizedValue {
  std::variant<std::string, int64_t, bool> stored;
  std::string display;
};

// Every key, in documentation order; the secrets family is the last entry.
std::span<const KeyDef> key_definitions();

// The definition of a lower-case key (`secrets.<name>` finds the secrets family); nullptr if unknown.
const KeyDef* find_key(std::string_view key);

// Lower-cases `key` and looks it up; unknown keys fail (usage) with a suggestion and the key list.
Result<const KeyDef*> require_key(std::string_view key);

// Validates what a user typed for `key` (usage error with a suggestion when invalid).
Result<NormalizedValue> normalize_value(const KeyDef& def, std::string_view key, std::string_view raw);

// True for http(s) URLs whose host is 127.x.x.x, localhost or [::1].
bool is_loopback_url(std::string_view url);

// Backends llm.backend accepts.
std::span<const std::string_view> backend_names();

}  // namespace tailor::config
