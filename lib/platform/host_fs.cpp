#include "platform/host_fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <filesystem>

namespace tailor::platform {

ReadOnlyFile::ReadOnlyFile(ReadOnlyFile&& other) noexcept : m_fd(other.m_fd), m_size(other.m_size) { other.m_fd = -1; }

ReadOnlyFile& ReadOnlyFile::operator=(ReadOnlyFile&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.m_fd;
    m_size = other.m_size;
    other.m_fd = -1;
  }
  return *this;
}

ReadOnlyFile::~ReadOnlyFile() {
  if (m_fd >= 0) ::close(m_fd);
}

std::optional<std::string> ReadOnlyFile::read_at(uint64_t offset, uint64_t length) const {
  if (m_fd < 0 || offset > m_size || length > m_size - offset) return std::nullopt;
  std::string data(length, '\0');
  size_t done = 0;
  while (done < length) {
    ssize_t got = ::pread(m_fd, data.data() + done, length - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return std::nullopt;
    done += static_cast<size_t>(got);
  }
  return data;
}

bool is_forbidden_sysfs_name(std::string_view name) {
  static constexpr std::array<std::string_view, 7> k_exact{
      "config", "rom", "vpd", "current_link_speed", "current_link_width", "max_link_speed", "max_link_width"};
  if (std::find(k_exact.begin(), k_exact.end(), name) != k_exact.end()) return true;
  return name.starts_with("resource");
}

HostFs::HostFs(std::string root) : m_root(std::move(root)) {
  while (m_root.size() > 1 && m_root.back() == '/') m_root.pop_back();
  if (m_root == "/") m_root.clear();
}

std::string HostFs::real_path(std::string_view path) const {
  std::string out = m_root;
  if (!path.starts_with('/')) out += '/';
  out += path;
  return out;
}

bool HostFs::allowed(std::string_view path) const {
  if (!path.starts_with("/sys/")) return true;
  size_t slash = path.rfind('/');
  return !is_forbidden_sysfs_name(path.substr(slash + 1));
}

void HostFs::note(std::string_view path) const {
  if (m_opened != nullptr) m_opened->emplace_back(path);
}

std::optional<std::string> HostFs::read_small(std::string_view path, size_t limit) const {
  if (!allowed(path)) return std::nullopt;
  note(path);
  int fd = ::open(real_path(path).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  std::string data(limit, '\0');
  ssize_t got;
  do {
    got = ::read(fd, data.data(), limit);
  } while (got < 0 && errno == EINTR);
  ::close(fd);
  if (got < 0) return std::nullopt;
  data.resize(static_cast<size_t>(got));
  return data;
}

std::optional<std::string> HostFs::read_text(std::string_view path, size_t limit) const {
  if (!allowed(path)) return std::nullopt;
  note(path);
  int fd = ::open(real_path(path).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  std::string data;
  char buffer[4096];
  while (data.size() < limit) {
    ssize_t got = ::read(fd, buffer, std::min(sizeof buffer, limit - data.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (got == 0) break;
    data.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  return data;
}

std::optional<ReadOnlyFile> HostFs::open(std::string_view path) const {
  if (!allowed(path)) return std::nullopt;
  note(path);
  int fd = ::open(real_path(path).c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  return ReadOnlyFile(fd, static_cast<uint64_t>(info.st_size));
}

std::vector<std::string> HostFs::list_dir(std::string_view path) const {
  std::vector<std::string> names;
  DIR* dir = ::opendir(real_path(path).c_str());
  if (dir == nullptr) return names;
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::string> HostFs::read_link(std::string_view path) const {
  char buffer[4096];
  ssize_t got = ::readlink(real_path(path).c_str(), buffer, sizeof buffer);
  if (got < 0 || static_cast<size_t>(got) >= sizeof buffer) return std::nullopt;
  return std::string(buffer, static_cast<size_t>(got));
}

std::string HostFs::resolve_links(std::string_view path) const {
  std::string current(path);
  for (int hops = 0; hops < 16; ++hops) {
    auto target = read_link(current);
    if (!target) break;
    if (target->starts_with('/')) {
      current = *target;
    } else {
      current = current.substr(0, current.rfind('/') + 1) + *target;
    }
  }
  return current;
}

bool HostFs::exists(std::string_view path) const {
  struct stat info {};
  return ::stat(real_path(path).c_str(), &info) == 0;
}

std::optional<int64_t> HostFs::mtime_ns(std::string_view path) const {
  std::error_code ec;
  auto time = std::filesystem::last_write_time(real_path(path), ec);
  if (ec) return std::nullopt;
  return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count());
}

bool HostFs::is_dir(std::string_view path) const {
  struct stat info {};
  return ::stat(real_path(path).c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool HostFs::read_write_ok(std::string_view path) const { return ::access(real_path(path).c_str(), R_OK | W_OK) == 0; }

}  // namespace tailor::platform
