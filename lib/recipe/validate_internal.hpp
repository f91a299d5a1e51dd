#pragma once
// Shared state of the validation passes (validate_*.cpp); not part of the public API.
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "recipe/actions.hpp"
#include "recipe/validate.hpp"

namespace tailor::recipe::detail {

// Collects diagnostics for one recipe and finds their source positions in the TOML tree.
class Checker {
 public:
  Checker(const Recipe& recipe, const toml::table& root, ValidationResult& result)
      : m_recipe(recipe), m_root(root), m_result(result) {}

  const Recipe& recipe() const { return m_recipe; }
  const toml::table& root() const { return m_root; }

  // `at` is the TOML path used for the position ("" = same as field).
  void error(std::string field, std::string message, std::string_view at = {});
  void warning(std::string field, std::string message, std::string_view at = {});
  // An error at a position found by the caller (a column inside a string value).
  void error_at(std::string field, std::string message, SourcePos pos);
  size_t error_count() const { return m_result.errors.size(); }

  // Position of the deepest node found along a path like `steps[2].when.os[1]`.
  SourcePos locate(std::string_view path) const;

 private:
  const Recipe& m_recipe;
  const toml::table& m_root;
  ValidationResult& m_result;
};

// The passes, in the order of docs/validation.md, "Order of checks".
void check_metadata(Checker& c);
void check_version(Checker& c);
void check_patches(Checker& c);
void check_steps(Checker& c);
void check_action_params(Checker& c, size_t index, const Step& step, ActionKind kind);
void check_verify(Checker& c);
void check_platforms(Checker& c);
void check_dependency_names(Checker& c);
void check_registry(Checker& c, const Registry& registry);
void check_shadowed_dependencies(Checker& c);
void check_redundant_version(Checker& c);
void check_hardcoded_versions(Checker& c);
void check_libc_coverage(Checker& c);
// Unknown `{placeholders}` in step parameters and verify patterns (validate_placeholders.cpp).
void check_placeholders(Checker& c);
// tailor's own: unknown keys outside [[steps]], backend names, gpu_driver ranges, [verify.backend].
void check_unknown_keys(Checker& c);
void check_extensions(Checker& c);

// Helpers shared by the passes.
const nlohmann::json* param(const Step& step, std::string_view key);
std::string param_string(const Step& step, std::string_view key);  // "" when absent or not a string
bool has_param(const Step& step, std::string_view key);
std::vector<std::string> effective_supported_os(const Metadata& m);
std::vector<std::string> effective_supported_arch(const Metadata& m);

}  // namespace tailor::recipe::detail
