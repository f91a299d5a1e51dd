#pragma once
// The facts of a machine a user can set (docs/detection.md, "Overrides and facts files"), one
// row each: its key, flag, environment variable, allowed values and the rule that checks a
// value. Detection overrides, the CLI's fact flags, lock targets, facts files, shell completion
// and golden targets read this table; nothing else lists the facts or their values.
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace tailor::tuple {

// In the order overrides are applied (and their evidence recorded).
enum class Fact { os, arch, linux_family, libc, gpu, gpu_driver, vulkan, gpu_device, gpu_compute, gfx };
inline constexpr std::size_t k_fact_count = 10;

// How a value is checked.
enum class ValueRule {
  listed,              // one of `allowed`
  free,                // anything here; checked where it is used (a PCI address against the devices)
  driver_version,      // dotted numbers such as 570.133.07, or ""
  compute_capability,  // major.minor such as 8.9, or ""
  gfx_list,            // comma-separated AMD gfx targets such as gfx1100,gfx1030
};

struct FactDef {
  Fact fact;
  std::string_view key;   // in `detect --json`, its evidence and overrides ("gfx_targets" for --gfx)
  std::string_view flag;  // "--linux-family"
  std::string_view env;   // "TAILOR_LINUX_FAMILY"; "" when only the flag sets it
  std::string_view noun;  // "Linux family", as in "unknown Linux family 'debain'"
  ValueRule rule;
  std::span<const std::string_view> allowed;  // ValueRule::listed: the values, in documentation order
  std::string_view help;                      // the flag's help text
};

// Every fact, in Fact order.
std::span<const FactDef> fact_table();
const FactDef& fact_def(Fact fact);
// The fact with `key` ("linux_family", "gfx_targets"); nullptr when none.
const FactDef* find_fact(std::string_view key);

// Values given for facts, by fact; nullopt: not given.
class FactValues {
 public:
  std::optional<std::string>& operator[](Fact fact) { return m_values.at(static_cast<std::size_t>(fact)); }
  const std::optional<std::string>& operator[](Fact fact) const { return m_values.at(static_cast<std::size_t>(fact)); }
  bool operator==(const FactValues&) const = default;

 private:
  std::array<std::optional<std::string>, k_fact_count> m_values{};
};

// Where an overridden fact came from.
enum class FactOrigin {
  flag,           // --gpu
  environment,    // TAILOR_GPU
  configuration,  // gpu.device in config.toml
  facts_file,     // --facts FILE or TAILOR_FACTS
  derived,        // follows another override (libc from --linux-family)
};

// Whether the user said it for this run: a flag or an environment variable.
bool said_for_this_run(FactOrigin origin);

// Checks `value` for `fact` by its rule; a bad one is a usage error naming `origin` (where the
// value came from) and what the fact takes.
Status validate_fact_value(Fact fact, std::string_view value, std::string_view origin);

// A --gfx value as a list: lower case, without repeats, sorted; "" gives none.
std::vector<std::string> gfx_list(std::string_view value);

}  // namespace tailor::tuple
