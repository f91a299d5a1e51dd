#include "install/layout.hpp"

#include <sys/stat.h>
#include <cerrno>
#include <cstring>

#include <vector>

#include "config/home.hpp"
#include "install/safe_path.hpp"

namespace tailor::install {
namespace {

Status make_dir(const std::filesystem::path& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) == 0 || errno == EEXIST) return {};
  return fail(ErrorKind::failure, "cannot create {}: {}", path.string(), std::strerror(errno));
}

}  // namespace

Layout home_layout() { return Layout{config::tailor_home()}; }

Status ensure_layout(const Layout& layout) {
  std::error_code ec;
  std::filesystem::create_directories(layout.root, ec);
  if (ec) return fail(ErrorKind::failure, "cannot create {}: {}", layout.root.string(), ec.message());
  for (const auto& dir : {layout.tools(), layout.bin(), layout.tmp()}) {
    if (auto st = make_dir(dir, 0755); !st) return st;
  }
  if (auto st = make_dir(layout.root / "cache", 0700); !st) return st;
  if (auto st = make_dir(layout.downloads(), 0700); !st) return st;
  return check_home_dirs(layout);
}

Status check_home_dirs(const Layout& layout) {
  for (const auto& dir : {layout.tools(), layout.bin(), layout.tmp()}) {
    std::error_code ec;
    auto status = std::filesystem::symlink_status(dir, ec);
    if (status.type() == std::filesystem::file_type::not_found) continue;
    if (std::filesystem::is_symlink(status)) {
      auto target = std::filesystem::read_symlink(dir, ec);
      return fail(ErrorKind::failure,
                  "{0} is a symlink (to {1}); tailor does not install into or delete through a symlink it did not "
                  "create. Replace the link with a directory (`rm {0}` removes only the link), or, to keep tailor's "
                  "files on another disk, point TAILOR_HOME at a directory there or make {2} itself a symlink to it",
                  dir.string(), target.string(), layout.root.string());
    }
    if (!std::filesystem::is_directory(status)) {
      return fail(ErrorKind::failure, "{} is not a directory; tailor needs a directory there (move the file away)",
                  dir.string());
    }
  }
  return {};
}

Status remove_in_home(const Layout& layout, const std::filesystem::path& path) {
  auto relative = path.lexically_relative(layout.root);
  std::vector<std::string> parts(relative.begin(), relative.end());
  if (parts.size() != 2 || (parts[0] != "tools" && parts[0] != "tmp") || parts[1] == "." || parts[1] == "..") {
    return fail(ErrorKind::internal, "{} is not an entry of {} or {}", path.string(), layout.tools().string(),
                layout.tmp().string());
  }
  auto root = open_root(layout.root.string());
  if (!root) return fail(root.error());
  auto parent = open_dir_beneath(*root, {parts[0]}, false);
  if (!parent) return fail(ErrorKind::failure, "cannot remove {}: {}", path.string(), parent.error().message);
  if (auto removed = remove_tree_beneath(*parent, parts[1]); !removed) {
    return fail(ErrorKind::failure, "cannot remove {}: {}", path.string(), removed.error().message);
  }
  return {};
}

Status check_path_name(const std::string& value, const std::string& what) {
  bool ok = !value.empty() && value != "." && value.find("..") == std::string::npos;
  for (char c : value) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                   c == '_' || c == '+' || c == '@';
    ok = ok && allowed;
  }
  if (!ok) {
    return fail(ErrorKind::invalid_input,
                "invalid {} '{}': only letters, digits, '.', '-', '_', '+', '@' are allowed, and no '..'", what, value);
  }
  return {};
}

}  // namespace tailor::install
