#pragma once
// What the completion scripts ask `tailor __complete` for, and where: the kinds of words, the
// commands whose arguments are such words, and the options whose values are.
#include <string>
#include <string_view>

namespace tailor::cli {

inline constexpr std::string_view k_complete_recipes = "recipes";
inline constexpr std::string_view k_complete_installed = "installed";
inline constexpr std::string_view k_complete_backends = "backends";
inline constexpr std::string_view k_complete_gpu_vendors = "gpu-vendors";
inline constexpr std::string_view k_complete_config_keys = "config-keys";
inline constexpr std::string_view k_complete_shells = "shells";

bool is_completion_kind(std::string_view kind);
std::string completion_kind_list();  // "recipes, installed, ..."

// The kind of the positional arguments of a command ("tailor install"), "" for none, and how
// many of them there are (0: any number).
struct PositionalKind {
  std::string_view kind;
  int max_count = 0;
};
PositionalKind positional_kind(std::string_view command_path);

// The kind of an option's value ("--backend"), "" for none.
std::string_view option_value_kind(std::string_view option);

}  // namespace tailor::cli
