#pragma once
// The registry of configuration keys (docs/config.md, "Keys"; docs/mirrors.md, "Configure a mirror";
// docs/lock-and-events.md, "Lifecycle events"): type, default, environment override and validation of each key.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "util/result.hpp"

namespace tailor::config {

// cargo_index: a URL as cargo's `registry` source takes it, https:// (a git index) or sparse+https://.
enum class ValueType { choice, text, device, duration, integer, size, boolean, url, cargo_index, env_name, secret };

// Where a key takes effect (docs/config.md, "Keys"). A command loads the
// configuration for the uses it has: an invalid value of a key it uses fails it before any
// work; one it does not use is a warning.
using Uses = unsigned;
namespace uses {
// Enumerators (not constants) so their names follow the enumerator style; they are Uses values.
enum : Uses {
  detect = 1U << 0,    // machine facts (detect, info, plan, eval, install, fetch, lock)
  plan = 1U << 1,      // choosing what to install
  api = 1U << 2,       // version lookups over HTTP APIs
  download = 1U << 3,  // artifact downloads
  extract = 1U << 4,   // unpacking archives
  events = 1U << 5,    // lifecycle hooks and the webhook
  none = 0,
  all = detect | plan | api | download | extract | events,
};
}  // namespace uses

struct KeyDef {
  std::string_view name;  // "llm.backend"; "secrets.*" for the secrets family
  ValueType type = ValueType::text;
  std::string_view default_value;  // display form; "" for none
  std::string_view env;            // environment override, "" for none
  std::string_view description;
  std::span<const std::string_view> choices;  // ValueType::choice
  int64_t min = 0;                            // integer bound, or duration bound in ms
  int64_t max = 0;
  Uses uses = uses::none;  // where the key takes effect
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
