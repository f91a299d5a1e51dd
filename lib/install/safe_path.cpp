#include "install/safe_path.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <array>

namespace tailor::install {

Result<std::vector<std::string>> clean_relative(std::string_view path, std::string_view what) {
  if (path.find('\0') != std::string_view::npos) {
    return fail(ErrorKind::invalid_input, "{} contains a NUL byte: {}", what, path.substr(0, path.find('\0')));
  }
  if (!path.empty() && path.front() == '/') {
    return fail(ErrorKind::invalid_input, "{} escapes destination directory (absolute path): {}", what, path);
  }
  std::vector<std::string> components;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      return fail(ErrorKind::invalid_input, "{} escapes destination directory ('..' component): {}", what, path);
    }
    if (!part.empty() && part != ".") components.emplace_back(part);
    start = end + 1;
  }
  return components;
}

std::string join_path(const std::vector<std::string>& components) {
  std::string out;
  for (const auto& c : components) {
    if (!out.empty()) out.push_back('/');
    out += c;
  }
  return out;
}

DirFd& DirFd::operator=(DirFd&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

DirFd::~DirFd() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<DirFd> open_root(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::failure, "cannot open directory {}: {}", path, std::strerror(errno));
  return DirFd(fd);
}

Result<DirFd> open_dir_beneath(const DirFd& root, const std::vector<std::string>& components, bool create) {
  DirFd current(::dup(root.get()));
  if (!current.valid()) return fail(ErrorKind::failure, "cannot duplicate a descriptor: {}", std::strerror(errno));
  for (size_t i = 0; i < components.size(); ++i) {
    const std::string& name = components[i];
    int fd = ::openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(current.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
        return fail(ErrorKind::failure, "cannot create directory {}: {}",
                    join_path({components.begin(), components.begin() + static_cast<long>(i) + 1}),
                    std::strerror(errno));
      }
      fd = ::openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      std::string prefix = join_path({components.begin(), components.begin() + static_cast<long>(i) + 1});
      if (errno == ELOOP || errno == ENOTDIR) {
        return fail(ErrorKind::invalid_input,
                    "path component {} is a symlink or not a directory; refusing to write through it", prefix);
      }
      return fail(ErrorKind::failure, "cannot open directory {}: {}", prefix, std::strerror(errno));
    }
    current = DirFd(fd);
  }
  return current;
}

Result<int> open_file_beneath(const DirFd& root, const std::vector<std::string>& components) {
  if (components.empty()) return fail(ErrorKind::invalid_input, "empty file path");
  std::vector<std::string> parents(components.begin(), components.end() - 1);
  auto dir = open_dir_beneath(root, parents, false);
  if (!dir) return fail(dir.error());
  int fd = ::openat(dir->get(), components.back().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return fail(errno == ELOOP ? ErrorKind::invalid_input : ErrorKind::failure, "cannot open {}: {}",
                join_path(components), std::strerror(errno));
  }
  return fd;
}

Result<int> create_file_beneath(const DirFd& root, const std::vector<std::string>& components) {
  if (components.empty()) return fail(ErrorKind::invalid_input, "empty file path");
  std::vector<std::string> parents(components.begin(), components.end() - 1);
  auto dir = open_dir_beneath(root, parents, true);
  if (!dir) return fail(dir.error());
  const char* name = components.back().c_str();
  // Replace whatever non-directory is there (a duplicate entry, a planted symlink): unlink
  // removes the link itself, and O_EXCL|O_NOFOLLOW refuses anything that reappears.
  if (::unlinkat(dir->get(), name, 0) != 0 && errno != ENOENT) {
    return fail(ErrorKind::failure, "cannot replace {}: {}", join_path(components), std::strerror(errno));
  }
  int fd = ::openat(dir->get(), name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorKind::failure, "cannot create {}: {}", join_path(components), std::strerror(errno));
  return fd;
}

Status remove_tree_beneath(const DirFd& parent, const std::string& name) {
  struct stat st {};
  if (::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return fail(ErrorKind::failure, "cannot inspect {}: {}", name, std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    int fd = ::openat(parent.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return fail(ErrorKind::failure, "cannot open directory {}: {}", name, std::strerror(errno));
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      ::close(fd);
      return fail(ErrorKind::failure, "cannot read directory {}: {}", name, std::strerror(errno));
    }
    DirFd self(::dup(fd));
    if (!self.valid()) {
      ::closedir(dir);
      return fail(ErrorKind::failure, "cannot duplicate a descriptor: {}", std::strerror(errno));
    }
    std::vector<std::string> children;
    while (const dirent* entry = ::readdir(dir)) {
      std::string child = entry->d_name;
      if (child != "." && child != "..") children.push_back(std::move(child));
    }
    ::closedir(dir);
    for (const auto& child : children) {
      if (auto removed = remove_tree_beneath(self, child); !removed) return removed;
    }
  }
  if (::unlinkat(parent.get(), name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT) {
    return fail(ErrorKind::failure, "cannot remove {}: {}", name, std::strerror(errno));
  }
  return {};
}

Status copy_fd(int in_fd, int out_fd, std::string_view what) {
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    ssize_t n = ::read(in_fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorKind::failure, "cannot read {}: {}", what, std::strerror(errno));
    if (n == 0) return {};
    const char* p = buffer.data();
    while (n > 0) {
      ssize_t w = ::write(out_fd, p, static_cast<size_t>(n));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return fail(ErrorKind::failure, "cannot write {}: {}", what, std::strerror(errno));
      p += w;
      n -= w;
    }
  }
}

}  // namespace tailor::install
