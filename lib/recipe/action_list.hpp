#pragma once
// The action catalog: one line per action, sorted by name. Each line declares the action's
// behaviour value, actions::k_<name>, which its file in lib/actions/ defines
// (recipe/action_behaviour.hpp; docs/ARCHITECTURE.md, "How to add an action"). Columns:
//   name        the action as written in recipes and plans
//   class       primitive, ecosystem_primitive, composite, system or pass_through
//   determ.     the plan's `deterministic` flag (same inputs, same result)
//   evaluable   the plan's `evaluable` flag, part of the plan format (docs/install.md)
//   phase       default phase: install or post_install
//   execution   runs: the behaviour has an executor, run in the work directory; placed: it has
//               one run once the build is in its version directory, before the commit
//               (install/steps_placed.cpp); checked: verified before anything starts
//               (install/system_deps.cpp) and skipped when the steps run; none: this tailor
//               cannot run the step (composites never reach a plan)
//   deps        implicit install, runtime, Linux-only install and macOS-only install dependencies
// clang-format off
#define TAILOR_ACTIONS(X) \
  X(apk_install, system, false, false, install, checked, (), (), (), ()) \
  X(app_bundle, pass_through, true, false, install, none, (), (), (), ()) \
  X(apply_patch, composite, true, false, install, none, (), (), (), ()) \
  X(apply_patch_file, primitive, true, false, install, runs, (), (), (), ()) \
  X(apt_install, system, false, false, install, checked, (), (), (), ()) \
  X(apt_ppa, system, false, false, install, checked, (), (), (), ()) \
  X(apt_repo, system, false, false, install, checked, (), (), (), ()) \
  X(brew_cask, system, false, false, install, checked, (), (), (), ()) \
  X(brew_install, system, false, false, install, checked, (), (), (), ()) \
  X(cargo_build, ecosystem_primitive, false, false, install, runs, ("rust"), (), (), ()) \
  X(cargo_install, composite, false, false, install, none, ("rust"), (), (), ()) \
  X(chmod, primitive, true, true, install, runs, (), (), (), ()) \
  X(cmake_build, ecosystem_primitive, false, false, install, none, ("cmake", "make", "zig", "pkg-config"), (), (), ()) \
  X(configure_make, ecosystem_primitive, false, false, install, none, ("make", "zig", "pkg-config"), (), (), ()) \
  X(cpan_install, ecosystem_primitive, false, false, install, none, ("perl"), ("perl"), (), ()) \
  X(dnf_install, system, false, false, install, checked, (), (), (), ()) \
  X(dnf_repo, system, false, false, install, checked, (), (), (), ()) \
  X(download, composite, true, false, install, none, (), (), (), ()) \
  X(download_archive, composite, true, false, install, none, (), (), (), ()) \
  X(download_file, primitive, true, true, install, runs, (), (), (), ()) \
  X(extract, primitive, true, true, install, runs, (), (), (), ()) \
  X(fossil_archive, composite, true, false, install, none, (), (), (), ()) \
  X(gem_exec, ecosystem_primitive, false, false, install, runs, ("ruby"), ("ruby"), (), ()) \
  X(gem_install, composite, false, false, install, none, ("ruby"), ("ruby"), (), ()) \
  X(github_archive, composite, true, false, install, none, (), (), (), ()) \
  X(github_file, composite, true, false, install, none, (), (), (), ()) \
  X(go_build, ecosystem_primitive, false, false, install, runs, ("go"), (), (), ()) \
  X(go_install, composite, false, false, install, none, ("go"), (), (), ()) \
  X(group_add, pass_through, true, false, install, checked, (), (), (), ()) \
  X(homebrew, composite, true, false, install, none, (), (), ("patchelf"), ()) \
  X(homebrew_relocate, primitive, true, false, install, none, (), (), ("patchelf"), ()) \
  X(install_binaries, primitive, true, true, install, runs, (), (), (), ()) \
  X(install_completions, pass_through, true, false, install, none, (), (), (), ()) \
  X(install_gem_direct, ecosystem_primitive, false, false, install, none, ("ruby"), ("ruby"), (), ()) \
  X(install_libraries, primitive, true, true, install, runs, (), (), (), ()) \
  X(install_program_files, pass_through, true, true, post_install, placed, (), (), (), ()) \
  X(install_shell_init, pass_through, true, true, install, placed, (), (), (), ()) \
  X(link_dependencies, primitive, true, true, install, runs, (), (), (), ()) \
  X(manual, pass_through, true, false, install, checked, (), (), (), ()) \
  X(meson_build, ecosystem_primitive, false, false, install, none, ("meson", "ninja", "zig"), (), ("patchelf"), ()) \
  X(nix_install, composite, false, false, install, none, ("nix-portable"), (), (), ()) \
  X(nix_realize, ecosystem_primitive, false, false, install, none, ("nix-portable"), (), (), ()) \
  X(npm_exec, ecosystem_primitive, false, true, install, runs, ("nodejs"), ("nodejs"), (), ()) \
  X(npm_install, composite, false, false, install, none, ("nodejs"), ("nodejs"), (), ()) \
  X(pacman_install, system, false, false, install, checked, (), (), (), ()) \
  X(pip_exec, ecosystem_primitive, false, false, install, runs, ("python-standalone"), ("python-standalone"), (), ()) \
  X(pip_install, ecosystem_primitive, false, false, install, none, ("python"), ("python"), (), ()) \
  X(pipx_install, composite, false, false, install, none, ("python-standalone"), ("python-standalone"), (), ()) \
  X(require_command, pass_through, true, false, install, checked, (), (), (), ()) \
  X(require_system, pass_through, true, false, install, checked, (), (), (), ()) \
  X(run_command, pass_through, false, false, install, none, (), (), (), ()) \
  X(service_enable, pass_through, true, false, install, checked, (), (), (), ()) \
  X(service_start, pass_through, true, false, install, checked, (), (), (), ()) \
  X(set_env, primitive, true, true, post_install, runs, (), (), (), ()) \
  X(set_rpath, primitive, true, true, install, runs, (), (), (), ()) \
  X(setup_build_env, ecosystem_primitive, true, false, install, none, (), (), (), ()) \
  X(text_replace, primitive, true, false, install, none, (), (), (), ()) \
  X(zypper_install, system, false, false, install, checked, (), (), (), ())
// clang-format on
