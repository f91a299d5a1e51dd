#pragma once
// The action catalog (§4) as data in one place.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tailor::recipe {

enum class ActionClass { primitive, ecosystem_primitive, composite, system, pass_through };

struct ActionInfo {
  std::string_view name;
  ActionClass klass;
  bool deterministic;
  bool evaluable;
  std::string_view default_phase;  // "install" or "post-install"
  // Implicit dependencies (§4.12).
  std::vector<std::string_view> install_deps;
  std::vector<std::string_view> runtime_deps;
  std::vector<std::string_view> linux_install_deps;
  std::vector<std::string_view> darwin_install_deps;
};

// nullptr for an unknown action.
const ActionInfo* find_action(std::string_view name);
std::span<const ActionInfo> all_actions();
// The `evaluable` flag of §4: true only for the fixed list, false for unknown names.
bool is_evaluable(std::string_view name);
bool is_composite(std::string_view name);
// The archive format of a URL or asset pattern by its suffix (§4.3, case-insensitive):
// "tar.gz", "tar.xz", "tar.bz2", "tar.zst", "tar.lz", "tar", "zip"; "" when unknown.
std::string detect_archive_format(std::string_view url_or_pattern);

}  // namespace tailor::recipe
