#pragma once
// The action catalog: ActionKind and each action's metadata, generated from the one list in
// recipe/action_list.hpp. What an action does is its behaviour value, defined in lib/actions/
// (recipe/action_behaviour.hpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recipe/action_list.hpp"

namespace tailor::recipe {

// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define TAILOR_ACTION_ENUMERATOR(name, ...) name,
enum class ActionKind : std::uint8_t { TAILOR_ACTIONS(TAILOR_ACTION_ENUMERATOR) };
#undef TAILOR_ACTION_ENUMERATOR
// NOLINTEND(cppcoreguidelines-macro-usage)

enum class ActionClass { primitive, ecosystem_primitive, composite, system, pass_through };

// What install/ does with a plan step of this action (see recipe/action_list.hpp).
enum class ActionExecution { runs, placed, checked, none };

// The compile-time part of a catalog entry; layers check their tables against it.
struct ActionTraits {
  ActionKind kind;
  std::string_view name;
  ActionClass klass;
  bool deterministic;
  bool evaluable;
  std::string_view default_phase;  // "install" or "post-install"
  ActionExecution execution;
};

namespace detail {
inline constexpr std::string_view k_install_phase = "install";
inline constexpr std::string_view k_post_install_phase = "post-install";
}  // namespace detail

// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define TAILOR_ACTION_TRAITS(name, klass, deterministic, evaluable, phase, execution, ...)                       \
  ActionTraits{                                                                                                  \
      ActionKind::name,          #name, ActionClass::klass, deterministic, evaluable, detail::k_##phase##_phase, \
      ActionExecution::execution},
inline constexpr auto k_action_traits = std::to_array<ActionTraits>({TAILOR_ACTIONS(TAILOR_ACTION_TRAITS)});
#undef TAILOR_ACTION_TRAITS
// NOLINTEND(cppcoreguidelines-macro-usage)

inline constexpr std::size_t k_action_count = k_action_traits.size();

constexpr std::size_t action_index(ActionKind kind) { return static_cast<std::size_t>(kind); }
constexpr const ActionTraits& action_traits(ActionKind kind) { return k_action_traits[action_index(kind)]; }
constexpr std::string_view action_name(ActionKind kind) { return action_traits(kind).name; }

// The whole catalog entry: the traits and the implicit dependencies.
struct ActionInfo : ActionTraits {
  std::vector<std::string_view> install_deps;
  std::vector<std::string_view> runtime_deps;
  std::vector<std::string_view> linux_install_deps;
  std::vector<std::string_view> darwin_install_deps;
};

// nullptr / nullopt for an unknown action.
const ActionInfo* find_action(std::string_view name);
std::optional<ActionKind> action_kind(std::string_view name);
const ActionInfo& action_info(ActionKind kind);
std::span<const ActionInfo> all_actions();
// True when `name` is the name of `kind`: the typed way to ask "is this step a download_file?".
constexpr bool is_action(std::string_view name, ActionKind kind) { return name == action_name(kind); }
// The plan's `evaluable` flag: from the catalog, false for unknown names.
bool is_evaluable(std::string_view name);
bool is_composite(std::string_view name);
// The archive format of a URL or asset pattern by its suffix (docs/actions.md, "Shared rules"; case-insensitive):
// "tar.gz", "tar.xz", "tar.bz2", "tar.zst", "tar.lz", "tar", "zip"; "" when unknown.
std::string detect_archive_format(std::string_view url_or_pattern);

}  // namespace tailor::recipe
