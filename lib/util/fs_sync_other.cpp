#include <unistd.h>

#include "util/fs.hpp"

namespace tailor::util {

// No per-file-system flush here: all of them.
Status sync_file_system(const std::filesystem::path& /*path*/) {
  ::sync();
  return {};
}

}  // namespace tailor::util
