#pragma once
// What the per-action parameter checks share; not part of the public API. Each action's check
// lives with the action in lib/actions/ (recipe/action_behaviour.hpp) and reports to field
// `steps[i]`.
#include <string>
#include <string_view>

#include "recipe/validate_internal.hpp"

namespace tailor::recipe::detail {

// One step under validation and the helpers its checks share.
struct StepCheck {
  Checker& c;
  const Step& step;
  std::string field;
  bool darwin_only;

  void error(std::string message) const { c.error(field, std::move(message)); }
  void warning(std::string message) const;
  bool has(std::string_view key) const { return has_param(step, key); }
  std::string str(std::string_view key) const { return param_string(step, key); }
  // A parameter that is missing, an empty string or an empty array.
  bool missing(std::string_view key) const;
  void require(std::string_view key) const;

  void mapping_use(std::string_view target, std::string_view target_name) const;
  void redundant_format(std::string_view source, std::string_view source_name) const;
  void repo_checks() const;
  void checksum_url_version(std::string_view source) const;
  void fallback_checks() const;
};

using ActionCheck = void (*)(const StepCheck&);

}  // namespace tailor::recipe::detail
