#include "install/links.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstring>

#include "install/safe_path.hpp"

namespace tailor::install {
namespace fs = std::filesystem;

Status replace_symlink(const fs::path& link, const fs::path& target) {
  fs::path temp = link.parent_path() / ("." + link.filename().string() + ".tmp-" + std::to_string(::getpid()));
  ::unlink(temp.c_str());
  if (::symlink(target.c_str(), temp.c_str()) != 0 || ::rename(temp.c_str(), link.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    return fail(ErrorKind::install, "cannot link {} -> {}: {}", link.string(), target.string(), std::strerror(saved));
  }
  return {};
}

Result<std::vector<LinkChange>> switch_links(const Layout& layout, const fs::path& tool_dir,
                                             const std::vector<std::string>& binaries, const util::Output& output) {
  std::vector<LinkChange> changes;
  for (const auto& binary : binaries) {
    auto parts = clean_relative(binary, "binary path");
    if (!parts || parts->empty()) {
      restore_links(changes);
      return fail(ErrorKind::install, "binary path '{}' must be relative and stay inside the tool directory", binary);
    }
    fs::path link = layout.bin() / parts->back();
    fs::path target = tool_dir / join_path(*parts);
    LinkChange change{link, std::nullopt};
    std::error_code ec;
    if (fs::is_symlink(link, ec)) {
      change.old_target = fs::read_symlink(link, ec);
      if (change.old_target && change.old_target->parent_path() != target.parent_path() &&
          !change.old_target->string().starts_with(tool_dir.string() + "/")) {
        output.info("note: {} now points to {} (was {})", link.filename().string(), target.string(),
                    change.old_target->string());
      }
    } else if (fs::exists(link, ec)) {
      restore_links(changes);
      return fail(ErrorKind::install, "{} exists and is not a link made by tailor; move it away", link.string());
    }
    if (auto st = replace_symlink(link, target); !st) {
      restore_links(changes);
      return fail(st.error());
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

Status check_links_free(const Layout& layout, const std::vector<std::string>& binaries) {
  for (const auto& binary : binaries) {
    auto parts = clean_relative(binary, "binary path");
    if (!parts || parts->empty()) {
      return fail(ErrorKind::install, "binary path '{}' must be relative and stay inside the tool directory", binary);
    }
    fs::path link = layout.bin() / parts->back();
    std::error_code ec;
    if (!fs::is_symlink(link, ec) && fs::exists(link, ec)) {
      return fail(ErrorKind::install, "{} exists and is not a link made by tailor; move it away", link.string());
    }
  }
  return {};
}

void restore_links(const std::vector<LinkChange>& changes) {
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    if (it->old_target)
      (void)replace_symlink(it->link, *it->old_target);
    else
      ::unlink(it->link.c_str());
  }
}

std::vector<std::string> remove_links_into(const Layout& layout, const fs::path& tool_dir) {
  std::vector<std::string> removed;
  std::error_code ec;
  std::string prefix = tool_dir.string() + "/";
  for (const auto& entry : fs::directory_iterator(layout.bin(), ec)) {
    if (!entry.is_symlink(ec)) continue;
    if (fs::read_symlink(entry.path(), ec).string().starts_with(prefix) && ::unlink(entry.path().c_str()) == 0)
      removed.push_back(entry.path().filename().string());
  }
  return removed;
}

}  // namespace tailor::install
