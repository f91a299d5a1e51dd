#pragma once
// A private scratch directory for a fuzz target process, removed at exit.
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace tailor::fuzz {

// Creates $TMPDIR/tailor-fuzz-<name>-XXXXXX and registers its removal at normal exit
// (scripts/fuzz.sh points TMPDIR at a directory of its own in /dev/shm, removed afterwards,
// so even a crash leaves nothing behind).
inline std::filesystem::path work_dir(const std::string& name) {
  const std::filesystem::path base = std::filesystem::temp_directory_path();
  std::string pattern = (base / ("tailor-fuzz-" + name + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  static std::filesystem::path created;
  created = pattern;
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(created, ignored);
  });
  return created;
}

}  // namespace tailor::fuzz
