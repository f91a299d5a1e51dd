#pragma once
// Can the build run here? (docs/install.md, "Can the build run here?"): before anything is
// linked, the ELF files about to be installed are read for the machine type, the C library
// their interpreter belongs to and the highest GLIBC_x.y version they need, and compared with
// this machine's facts.
#include <filesystem>
#include <string>
#include <vector>

#include "platform/facts.hpp"

namespace tailor::install {

// The facts of the machine the build is to run on.
struct RunHost {
  std::string os, arch, libc, libc_version;
  bool only_warn = false;  // --force: the problems are printed and the build installed anyway
};

RunHost run_host_of(const platform::Facts& facts);

// One line per file under `dir` that cannot run on `host`, e.g. "bin/rg needs glibc 2.39, this
// machine has 2.36", sorted by path. `binaries` (relative to `dir`) are the files linked and run:
// every rule applies to them, and one that is a damaged ELF file is a problem too. Other ELF
// executables and libraries are checked for their glibc and C library only, and only when they
// are for this machine's architecture (an archive may carry foreign test data). Files that are
// not ELF (scripts, data) and symbolic links are skipped. Nothing to check off Linux.
std::vector<std::string> runnable_problems(const std::filesystem::path& dir, const std::vector<std::string>& binaries,
                                           const RunHost& host);

// The problems as one sentence: the first five, then how many more.
std::string describe_problems(const std::vector<std::string>& problems);

}  // namespace tailor::install
