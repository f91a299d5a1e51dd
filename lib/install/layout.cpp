#include "install/layout.hpp"

#include <sys/stat.h>
#include <cerrno>
#include <cstring>

#include "config/home.hpp"

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
  return make_dir(layout.downloads(), 0700);
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
