#pragma once
// The links in $TAILOR_HOME/bin: each one switched atomically (temporary symlink + rename),
// always pointing into tools/.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "install/layout.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::install {

struct LinkChange {
  std::filesystem::path link;
  std::optional<std::filesystem::path> old_target;  // nullopt: the link did not exist
};

// Points bin/<basename> at <tool_dir>/<relpath> for each binary; returns what changed so a
// failed install can put the old links back.
Result<std::vector<LinkChange>> switch_links(const Layout& layout, const std::filesystem::path& tool_dir,
                                             const std::vector<std::string>& binaries, const util::Output& output);

// Fails when something that is not a symlink occupies one of the binaries' link names.
Status check_links_free(const Layout& layout, const std::vector<std::string>& binaries);

// Restores the links as they were before `changes`.
void restore_links(const std::vector<LinkChange>& changes);

// Removes every bin/ link that points into `tool_dir`; returns the names of the links removed.
std::vector<std::string> remove_links_into(const Layout& layout, const std::filesystem::path& tool_dir);

// Atomically makes `link` a symlink to `target`.
Status replace_symlink(const std::filesystem::path& link, const std::filesystem::path& target);

}  // namespace tailor::install
