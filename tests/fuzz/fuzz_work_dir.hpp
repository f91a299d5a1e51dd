#pragma once
// A private scratch directory for a fuzz target process, removed at exit.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace tailor::fuzz {

// Creates $TMPDIR/tailor-fuzz-<name>-XXXXXX (in /dev/shm when there is one: inputs are
// written per execution) and registers its removal at exit.
inline std::filesystem::path work_dir(const std::string& name) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm")
                                                                            : std::filesystem::temp_directory_path();
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

} // namespace tailor::fuzz
