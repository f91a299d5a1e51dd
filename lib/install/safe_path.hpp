#pragma once
// Paths inside an install tree: cleaning untrusted relative names, and writes anchored at a
// directory descriptor so that no symlink (planted by an archive or anyone else) can
// redirect a write outside the tree (docs/install.md, "Extraction safety").
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace tailor::install {

// Splits an untrusted relative path into components: drops "." and empty components,
// refuses absolute paths, ".." components and NUL bytes. `what` names the path in errors.
Result<std::vector<std::string>> clean_relative(std::string_view path, std::string_view what);

// Joins components with '/'.
std::string join_path(const std::vector<std::string>& components);

// An open directory descriptor; closes on destruction.
class DirFd {
 public:
  DirFd() = default;
  explicit DirFd(int fd) : m_fd(fd) {}
  DirFd(DirFd&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  DirFd& operator=(DirFd&& other) noexcept;
  DirFd(const DirFd&) = delete;
  DirFd& operator=(const DirFd&) = delete;
  ~DirFd();
  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }

 private:
  int m_fd = -1;
};

// The same owner for an open file.
using FileFd = DirFd;

// Opens `path` as a directory (following symlinks only for this root itself).
Result<DirFd> open_root(const std::string& path);

// Walks `components` below `root` one at a time with O_NOFOLLOW, creating missing
// directories with mode 0755 when `create` is set. A component that is a symlink or not a
// directory is an error.
Result<DirFd> open_dir_beneath(const DirFd& root, const std::vector<std::string>& components, bool create);

// Opens an existing regular file beneath `root` for reading (no symlink anywhere on the way).
Result<int> open_file_beneath(const DirFd& root, const std::vector<std::string>& components);

// Creates (replacing any non-directory of that name) a regular file beneath `root` for
// writing with mode 0600; the caller sets the final mode with fchmod.
Result<int> create_file_beneath(const DirFd& root, const std::vector<std::string>& components);

// Deletes the entry `name` of the directory `parent` and, when it is a directory, everything
// below it. Every directory is opened with O_NOFOLLOW beneath its parent's descriptor: a symlink
// anywhere in the tree is removed itself, never followed. A missing `name` is not an error.
Status remove_tree_beneath(const DirFd& parent, const std::string& name);

// Copies all bytes from `in_fd` to `out_fd`.
Status copy_fd(int in_fd, int out_fd, std::string_view what);

}  // namespace tailor::install
