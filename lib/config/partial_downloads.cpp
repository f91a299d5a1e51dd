#include "config/partial_downloads.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tailor::config {
namespace fs = std::filesystem;
namespace {

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

int open_dir(const fs::path& dir) { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW); }

bool try_flock(int fd, int operation) {
  while (::flock(fd, operation | LOCK_NB) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

// Waits a bounded time for the directory lock: a sweep holds it exclusively for a directory
// listing only, and a stopped sweeper must not stop every download with it.
bool lock_dir(int dir_fd, int operation) {
  constexpr auto k_patience = std::chrono::seconds(2);
  auto give_up = std::chrono::steady_clock::now() + k_patience;
  while (!try_flock(dir_fd, operation)) {
    if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

std::vector<std::string> partial_names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (is_partial_download(name)) names.push_back(std::move(name));
  }
  return names;
}

// Opens a partial download without following a link and without blocking; -1 for anything
// but a regular file.
int open_partial(int dir_fd, const std::string& name, struct stat& st) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

bool is_partial_download(std::string_view name) {
  return name.size() > k_partial_download_prefix.size() && name.starts_with(k_partial_download_prefix);
}

Result<PartialDownloadFile> create_partial_download(const fs::path& dir) {
  Fd dir_fd(open_dir(dir));
  if (dir_fd.get() < 0) return fail(ErrorKind::failure, "cannot open {}: {}", dir.string(), std::strerror(errno));
  // Without the directory lock (a stopped sweeper, a file system without flock) the download
  // goes ahead: the worst a racing sweep can do is make this download fail, never lose data.
  lock_dir(dir_fd.get(), LOCK_SH);
  std::string pattern = (dir / (std::string(k_partial_download_prefix) + "XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::failure, "cannot create a file in {}: {}", dir.string(), std::strerror(errno));
  // A new file: nobody else holds its lock. Where flock is not supported, the directory
  // cannot be locked either, and sweeps there remove nothing.
  try_flock(fd, LOCK_EX);
  return PartialDownloadFile{fd, fs::path(name.data())};
}

PartialDownloads count_partial_downloads(const fs::path& dir) {
  PartialDownloads found;
  Fd dir_fd(open_dir(dir));
  if (dir_fd.get() < 0) return found;
  for (const std::string& name : partial_names(dir)) {
    struct stat st {};
    Fd fd(open_partial(dir_fd.get(), name, st));
    if (fd.get() < 0) continue;
    ++found.files;
    found.bytes += static_cast<uint64_t>(st.st_size);
    if (!try_flock(fd.get(), LOCK_SH) && errno == EWOULDBLOCK) ++found.in_progress;
  }
  return found;
}

PartialDownloads remove_dead_partial_downloads(const fs::path& dir, bool wait) {
  PartialDownloads removed;
  Fd dir_fd(open_dir(dir));
  if (dir_fd.get() < 0) return removed;
  // Another process creating or sweeping right now: without `wait` this sweep is left to the next run.
  if (!(wait ? lock_dir(dir_fd.get(), LOCK_EX) : try_flock(dir_fd.get(), LOCK_EX))) return removed;
  for (const std::string& name : partial_names(dir)) {
    struct stat st {};
    Fd fd(open_partial(dir_fd.get(), name, st));
    if (fd.get() < 0 || !try_flock(fd.get(), LOCK_EX)) continue;  // a running download
    if (::unlinkat(dir_fd.get(), name.c_str(), 0) != 0) continue;
    ++removed.files;
    removed.bytes += static_cast<uint64_t>(st.st_size);
  }
  return removed;
}

}  // namespace tailor::config
