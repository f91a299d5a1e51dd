#include "util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <vector>

#include "util/strings.hpp"

namespace tailor::util {
namespace fs = std::filesystem;

Result<std::string> read_file(const fs::path& path, uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorKind::failure, "cannot read {}: {}", path.string(), std::strerror(errno));
  }
  std::string content;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return fail(ErrorKind::failure, "cannot read {}: {}", path.string(), std::strerror(saved));
    }
    if (n == 0) break;
    if (content.size() + static_cast<size_t>(n) > max_bytes) {
      ::close(fd);
      return fail(ErrorKind::invalid_input, "{} is larger than the limit of {} bytes", path.string(), max_bytes);
    }
    content.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return content;
}

Status sync_directory(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::failure, "cannot open directory {}: {}", dir.string(), std::strerror(errno));
  ::fsync(fd);
  ::close(fd);
  return {};
}

Status write_file_atomic(const fs::path& path, std::string_view content, unsigned mode, Durability durability) {
  const fs::path dir = path.parent_path();
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  // mkstemp creates the file 0600 with O_EXCL; fchmod before any byte is written.
  int fd = ::mkstemp(name.data());
  if (fd < 0) return fail(ErrorKind::failure, "cannot create a file in {}: {}", dir.string(), std::strerror(errno));
  ::fchmod(fd, static_cast<mode_t>(mode));
  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(name.data());
      return fail(ErrorKind::failure, "cannot write {}: {}", path.string(), std::strerror(saved));
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  bool durable = durability == Durability::durable;
  if ((durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
    int saved = errno;
    ::unlink(name.data());
    return fail(ErrorKind::failure, "cannot write {}: {}", path.string(), std::strerror(saved));
  }
  if (::rename(name.data(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(name.data());
    return fail(ErrorKind::failure, "cannot replace {}: {}", path.string(), std::strerror(saved));
  }
  return durable ? sync_directory(dir) : Status{};
}

Result<fs::path> make_temp_dir(const fs::path& parent, const std::string& prefix) {
  std::string tmpl = (parent / (prefix + "XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) {
    return fail(ErrorKind::failure, "cannot create a directory in {}: {}", parent.string(), std::strerror(errno));
  }
  return fs::path(name.data());
}

std::string find_on_path(const std::string& command, std::string_view path_list) {
  if (command.find('/') != std::string::npos) return ::access(command.c_str(), X_OK) == 0 ? command : "";
  for (const std::string& dir : split(path_list, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir;
    candidate += '/';
    candidate += command;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

}  // namespace tailor::util
