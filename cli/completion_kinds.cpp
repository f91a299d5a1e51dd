#include "completion_kinds.hpp"

#include <array>
#include <utility>

namespace tailor::cli {
namespace {

constexpr std::array<std::string_view, 6> k_kinds = {k_complete_recipes,     k_complete_installed,
                                                     k_complete_backends,    k_complete_gpu_vendors,
                                                     k_complete_config_keys, k_complete_shells};

constexpr std::array<std::pair<std::string_view, PositionalKind>, 16> k_positionals = {{
    {"tailor install", {k_complete_recipes, 0}},
    {"tailor plan", {k_complete_recipes, 1}},
    {"tailor eval", {k_complete_recipes, 1}},
    {"tailor info", {k_complete_recipes, 1}},
    {"tailor versions", {k_complete_recipes, 1}},
    {"tailor golden check", {k_complete_recipes, 0}},
    {"tailor golden regenerate", {k_complete_recipes, 0}},
    {"tailor remove", {k_complete_installed, 1}},
    {"tailor verify", {k_complete_installed, 1}},
    {"tailor outdated", {k_complete_installed, 0}},
    {"tailor update", {k_complete_installed, 0}},
    {"tailor rollback", {k_complete_installed, 1}},
    {"tailor activate", {k_complete_installed, 1}},
    {"tailor config get", {k_complete_config_keys, 1}},
    {"tailor config set", {k_complete_config_keys, 1}},
    {"tailor config unset", {k_complete_config_keys, 1}},
}};

}  // namespace

bool is_completion_kind(std::string_view kind) {
  for (auto known : k_kinds)
    if (kind == known) return true;
  return false;
}

std::string completion_kind_list() {
  std::string list;
  for (auto known : k_kinds) list += std::string(list.empty() ? "" : ", ") + std::string(known);
  return list;
}

PositionalKind positional_kind(std::string_view command_path) {
  for (const auto& [path, kind] : k_positionals)
    if (path == command_path) return kind;
  return {};
}

std::string_view option_value_kind(std::string_view option) {
  if (option == "--backend") return k_complete_backends;
  if (option == "--gpu") return k_complete_gpu_vendors;
  if (option == "--shell") return k_complete_shells;
  return {};
}

}  // namespace tailor::cli
