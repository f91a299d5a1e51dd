#include "recipe/actions.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace tailor::recipe {
namespace {

// One-letter aliases keep the 58-row table below readable.
// NOLINTBEGIN(readability-identifier-naming)
constexpr auto P = ActionClass::primitive;
constexpr auto EP = ActionClass::ecosystem_primitive;
constexpr auto C = ActionClass::composite;
constexpr auto S = ActionClass::system;
constexpr auto X = ActionClass::pass_through;
constexpr bool T = true;
constexpr bool F = false;
constexpr std::string_view install = "install";
constexpr std::string_view post = "post-install";
// NOLINTEND(readability-identifier-naming)

// The 58 registered actions of §4.1/§4.2 with the implicit dependencies of §4.12, sorted by
// name so lookups can bisect.
const std::vector<ActionInfo>& catalog() {
  static const std::vector<ActionInfo> k_table = [] {
    std::vector<ActionInfo> t{
        // name, class, deterministic, evaluable, phase, install, runtime, linux install, darwin install
        {"apk_install", S, F, F, install, {}, {}, {}, {}},
        {"app_bundle", X, T, F, install, {}, {}, {}, {}},
        {"apply_patch", C, T, F, install, {}, {}, {}, {}},
        {"apply_patch_file", P, T, F, install, {}, {}, {}, {}},
        {"apt_install", S, F, F, install, {}, {}, {}, {}},
        {"apt_ppa", S, F, F, install, {}, {}, {}, {}},
        {"apt_repo", S, F, F, install, {}, {}, {}, {}},
        {"brew_cask", S, F, F, install, {}, {}, {}, {}},
        {"brew_install", S, F, F, install, {}, {}, {}, {}},
        {"cargo_build", EP, F, F, install, {"rust"}, {}, {}, {}},
        {"cargo_install", C, F, F, install, {"rust"}, {}, {}, {}},
        {"chmod", P, T, T, install, {}, {}, {}, {}},
        {"cmake_build", EP, F, F, install, {"cmake", "make", "zig", "pkg-config"}, {}, {}, {}},
        {"configure_make", EP, F, F, install, {"make", "zig", "pkg-config"}, {}, {}, {}},
        {"cpan_install", EP, F, F, install, {"perl"}, {"perl"}, {}, {}},
        {"dnf_install", S, F, F, install, {}, {}, {}, {}},
        {"dnf_repo", S, F, F, install, {}, {}, {}, {}},
        {"download", C, T, F, install, {}, {}, {}, {}},
        {"download_archive", C, T, F, install, {}, {}, {}, {}},
        {"download_file", P, T, T, install, {}, {}, {}, {}},
        {"extract", P, T, T, install, {}, {}, {}, {}},
        {"fossil_archive", C, T, F, install, {}, {}, {}, {}},
        {"gem_exec", EP, F, F, install, {"ruby"}, {"ruby"}, {}, {}},
        {"gem_install", C, F, F, install, {"ruby"}, {"ruby"}, {}, {}},
        {"github_archive", C, T, F, install, {}, {}, {}, {}},
        {"github_file", C, T, F, install, {}, {}, {}, {}},
        {"go_build", EP, F, F, install, {"go"}, {}, {}, {}},
        {"go_install", C, F, F, install, {"go"}, {}, {}, {}},
        {"group_add", X, T, F, install, {}, {}, {}, {}},
        {"homebrew", C, T, F, install, {}, {}, {"patchelf"}, {}},
        {"homebrew_relocate", P, T, F, install, {}, {}, {"patchelf"}, {}},
        {"install_binaries", P, T, T, install, {}, {}, {}, {}},
        {"install_completions", X, T, F, install, {}, {}, {}, {}},
        {"install_gem_direct", EP, F, F, install, {"ruby"}, {"ruby"}, {}, {}},
        {"install_libraries", P, T, T, install, {}, {}, {}, {}},
        {"install_program_files", X, T, T, post, {}, {}, {}, {}},
        {"install_shell_init", X, T, T, install, {}, {}, {}, {}},
        {"link_dependencies", P, T, T, install, {}, {}, {}, {}},
        {"manual", X, T, F, install, {}, {}, {}, {}},
        {"meson_build", EP, F, F, install, {"meson", "ninja", "zig"}, {}, {"patchelf"}, {}},
        {"nix_install", C, F, F, install, {"nix-portable"}, {}, {}, {}},
        {"nix_realize", EP, F, F, install, {"nix-portable"}, {}, {}, {}},
        {"npm_exec", EP, F, T, install, {"nodejs"}, {"nodejs"}, {}, {}},
        {"npm_install", C, F, F, install, {"nodejs"}, {"nodejs"}, {}, {}},
        {"pacman_install", S, F, F, install, {}, {}, {}, {}},
        {"pip_exec", EP, F, F, install, {"python-standalone"}, {"python-standalone"}, {}, {}},
        {"pip_install", EP, F, F, install, {"python"}, {"python"}, {}, {}},
        {"pipx_install", C, F, F, install, {"python-standalone"}, {"python-standalone"}, {}, {}},
        {"require_command", X, T, F, install, {}, {}, {}, {}},
        {"require_system", X, T, F, install, {}, {}, {}, {}},
        {"run_command", X, F, F, install, {}, {}, {}, {}},
        {"service_enable", X, T, F, install, {}, {}, {}, {}},
        {"service_start", X, T, F, install, {}, {}, {}, {}},
        {"set_env", P, T, T, post, {}, {}, {}, {}},
        {"set_rpath", P, T, T, install, {}, {}, {}, {}},
        {"setup_build_env", EP, T, F, install, {}, {}, {}, {}},
        {"text_replace", P, T, F, install, {}, {}, {}, {}},
        {"zypper_install", S, F, F, install, {}, {}, {}, {}},
    };
    std::sort(t.begin(), t.end(), [](const ActionInfo& a, const ActionInfo& b) { return a.name < b.name; });
    return t;
  }();
  return k_table;
}

}  // namespace

const ActionInfo* find_action(std::string_view name) {
  const auto& table = catalog();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const ActionInfo& a, std::string_view n) { return a.name < n; });
  if (it == table.end() || it->name != name) return nullptr;
  return &*it;
}

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
