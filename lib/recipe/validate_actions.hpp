#pragma once
// The per-action parameter checks behind check_action_params; not part of the public API.
// Each check reports to field `steps[i]`. The table in validate_actions.cpp maps an action to
// its check; the checks live in validate_actions_<family>.cpp.
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

// validate_actions_sources.cpp: actions that download.
void check_download(const StepCheck& s);
void check_download_archive(const StepCheck& s);
void check_github_archive(const StepCheck& s);
void check_github_file(const StepCheck& s);
void check_fossil_archive(const StepCheck& s);
void check_apply_patch(const StepCheck& s);
void check_homebrew(const StepCheck& s);
void check_app_bundle(const StepCheck& s);

// validate_actions_files.cpp: actions that place files.
void check_extract(const StepCheck& s);
void check_chmod(const StepCheck& s);
void check_install_binaries(const StepCheck& s);
void check_set_env(const StepCheck& s);
void check_shell_files(const StepCheck& s);  // install_shell_init, install_completions
void check_install_program_files(const StepCheck& s);

// validate_actions_system.cpp: system packages, requirements and commands.
void check_system_packages(const StepCheck& s);  // apt_install, dnf_install, ... brew_cask
void check_package_repo(const StepCheck& s);     // apt_repo, dnf_repo
void check_apt_ppa(const StepCheck& s);
void check_require_system(const StepCheck& s);
void check_require_command(const StepCheck& s);
void check_group_add(const StepCheck& s);
void check_service(const StepCheck& s);  // service_enable, service_start
void check_manual(const StepCheck& s);
void check_run_command(const StepCheck& s);

// validate_actions_ecosystem.cpp: ecosystem composites and builds.
void check_package_install(const StepCheck& s);  // npm_install, pipx_install
void check_cargo_install(const StepCheck& s);
void check_gem_install(const StepCheck& s);
void check_go_install(const StepCheck& s);
void check_cpan_install(const StepCheck& s);
void check_configure_make(const StepCheck& s);

}  // namespace tailor::recipe::detail
