#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include "util/fs.hpp"

namespace tailor::util {

Status sync_file_system(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::failure, "cannot open {}: {}", path.string(), std::strerror(errno));
  const int synced = ::syncfs(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) return fail(ErrorKind::failure, "cannot flush {} to disk: {}", path.string(), std::strerror(error));
  return {};
}

}  // namespace tailor::util
