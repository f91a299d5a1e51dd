#pragma once
// The layout of $TAILOR_HOME as install uses it (docs/home-layout.md).
#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace tailor::install {

struct Layout {
  std::filesystem::path root;

  std::filesystem::path tools() const { return root / "tools"; }
  std::filesystem::path bin() const { return root / "bin"; }
  std::filesystem::path downloads() const { return root / "cache" / "downloads"; }
  std::filesystem::path tmp() const { return root / "tmp"; }
  std::filesystem::path state_file() const { return root / "state.json"; }
  std::filesystem::path state_lock() const { return root / "state.json.lock"; }
  // The last good state.json, kept by every write (docs/home-layout.md).
  std::filesystem::path state_prev() const { return root / "state.json.prev"; }
  // An unreadable state.json that `tailor state rebuild` replaced.
  std::filesystem::path state_damaged() const { return root / "state.json.damaged"; }
  std::filesystem::path config_file() const { return root / "config.toml"; }
  // The GnuPG home of signature checks (docs/downloads.md, "Signatures"), 0700.
  std::filesystem::path keyring() const { return root / "keys" / "gnupg"; }
  // data/<name>: the files install_program_files placed for the tool (docs/actions.md,
  // "Steps that run in place").
  std::filesystem::path data_dir(const std::string& name) const { return root / "data" / name; }
  // tools/<name>-<version>
  std::filesystem::path tool_dir(const std::string& name, const std::string& version) const {
    return tools() / (name + "-" + version);
  }
  // tools/.<name>-<version>.staging and .previous
  std::filesystem::path staging_dir(const std::string& name, const std::string& version) const {
    return tools() / ("." + name + "-" + version + ".staging");
  }
  std::filesystem::path previous_dir(const std::string& name, const std::string& version) const {
    return tools() / ("." + name + "-" + version + ".previous");
  }
};

// The layout rooted at config::tailor_home().
Layout home_layout();

// Creates the directories of the layout: 0755, except cache/ directories (0700). Then refuses
// a home whose tools/, bin/ or tmp/ is a symlink or not a directory (check_home_dirs).
Status ensure_layout(const Layout& layout);

// Fails when tools/, bin/ or tmp/ is a symlink or something other than a directory: tailor never
// installs into or deletes through a symlink it did not create. The home itself may be a symlink
// (docs/home-layout.md, "Symlinks").
Status check_home_dirs(const Layout& layout);

// Deletes `path`, a direct child of tools/ or tmp/, and everything below it without following any
// symlink (the home root excepted): tools/ or tmp/ is opened with O_NOFOLLOW, and so is every
// directory beneath.
Status remove_in_home(const Layout& layout, const std::filesystem::path& path);

// Refuses tool names and versions that could form paths outside tools/ (letters, digits,
// '.', '-', '_', '+', '@' only; no "..").
Status check_path_name(const std::string& value, const std::string& what);

}  // namespace tailor::install
