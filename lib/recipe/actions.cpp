#include "recipe/actions.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace tailor::recipe {
namespace {

// Lookups by name bisect the catalog, and every table indexes it by kind.
constexpr bool catalog_is_well_formed() {
  for (std::size_t i = 0; i < k_action_count; ++i) {
    if (action_index(k_action_traits[i].kind) != i) return false;
    if (i > 0 && !(k_action_traits[i - 1].name < k_action_traits[i].name)) return false;
  }
  return true;
}
static_assert(catalog_is_well_formed(), "recipe/action_list.hpp must list each action once, sorted by name");

// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define TAILOR_UNPARENTHESIZE(...) __VA_ARGS__
#define TAILOR_ACTION_INFO(name, klass, deterministic, evaluable, phase, execution, install, runtime, linux_install, \
                           darwin_install)                                                                           \
  ActionInfo{action_traits(ActionKind::name),                                                                        \
             {TAILOR_UNPARENTHESIZE install},                                                                        \
             {TAILOR_UNPARENTHESIZE runtime},                                                                        \
             {TAILOR_UNPARENTHESIZE linux_install},                                                                  \
             {TAILOR_UNPARENTHESIZE darwin_install}},

const std::vector<ActionInfo>& catalog() {
  static const std::vector<ActionInfo> k_table{TAILOR_ACTIONS(TAILOR_ACTION_INFO)};
  return k_table;
}
#undef TAILOR_ACTION_INFO
#undef TAILOR_UNPARENTHESIZE
// NOLINTEND(cppcoreguidelines-macro-usage)

}  // namespace

const ActionInfo* find_action(std::string_view name) {
  const auto& table = catalog();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const ActionInfo& a, std::string_view n) { return a.name < n; });
  if (it == table.end() || it->name != name) return nullptr;
  return &*it;
}

std::optional<ActionKind> action_kind(std::string_view name) {
  const ActionInfo* info = find_action(name);
  return info == nullptr ? std::nullopt : std::optional<ActionKind>(info->kind);
}

const ActionInfo& action_info(ActionKind kind) { return catalog()[action_index(kind)]; }

std::span<const ActionInfo> all_actions() { return catalog(); }

bool is_evaluable(std::string_view name) {
  const ActionInfo* info = find_action(name);
  return info != nullptr && info->evaluable;
}

bool is_composite(std::string_view name) {
  const ActionInfo* info = find_action(name);
  return info != nullptr && info->klass == ActionClass::composite;
}

std::string detect_archive_format(std::string_view url_or_pattern) {
  std::string lowered(url_or_pattern);
  for (char& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  static const std::pair<std::string_view, std::string_view> k_suffixes[] = {
      {".tar.gz", "tar.gz"},   {".tgz", "tar.gz"},    {".tar.xz", "tar.xz"}, {".txz", "tar.xz"},
      {".tar.bz2", "tar.bz2"}, {".tbz2", "tar.bz2"},  {".tbz", "tar.bz2"},   {".tar.zst", "tar.zst"},
      {".tzst", "tar.zst"},    {".tar.lz", "tar.lz"}, {".tlz", "tar.lz"},    {".tar", "tar"},
      {".zip", "zip"}};
  for (const auto& [suffix, format] : k_suffixes)
    if (lowered.ends_with(suffix)) return std::string(format);
  return {};
}

}  // namespace tailor::recipe
