#pragma once
// C library and userland architecture from /bin/sh (docs/detection.md, "What is read, and from where").
#include <string>
#include <string_view>
#include <vector>

#include "platform/host_fs.hpp"

namespace tailor::platform {

struct LibcArch {
  std::string libc;          // glibc, musl
  std::string libc_version;  // "2.36", "1.2.5", ""
  std::string interpreter;   // PT_INTERP, "" when none
  std::string libc_source;   // how libc was decided, for evidence
  std::string arch;          // amd64, arm64, "" when /bin/sh names an unsupported machine
  std::string arch_source;
  std::string unsupported;  // machine name when /bin/sh is for an unsupported arch
  // Evidence levels: "read from file" when /bin/sh decided, "inferred" when it could not
  // (docs/detection.md, "Without /bin/sh").
  std::string arch_level = "read from file";
  std::string libc_level = "read from file";
  std::string problem;  // why /bin/sh could not decide, "" when it did (becomes a warning)
};

// Reads /bin/sh (following links below the root). Without a readable /bin/sh the arch comes
// from tailor's own ELF header (uname as a fallback) or, under a testing root, from the
// loader names present, else the compile target; libc from the dynamic loaders present.
LibcArch detect_libc_and_arch(const HostFs& fs);

// A dynamic loader file found in the library directories.
struct LoaderFile {
  std::string path;  // "/lib64/ld-linux-x86-64.so.2"
  std::string libc;  // glibc, musl
  std::string arch;  // amd64, arm64, "" for other machines
};

// ld-linux-*.so.* and ld-musl-*.so.1 under /lib, /lib64, /usr/lib, /usr/lib64 and their
// multiarch subdirectories (*-linux-gnu*, *-linux-musl*), sorted by path.
std::vector<LoaderFile> find_loader_files(const HostFs& fs);

// "needs glibc 2.39, this machine has 2.36" when `needed` (a dotted version) is newer than a
// glibc machine's `libc_version`; "" when it is not, or when the machine is no glibc machine or
// its version is unknown (nothing to compare with).
std::string glibc_shortfall(std::string_view needed, std::string_view libc, std::string_view libc_version);

// `release version X` banner of a glibc libc.so.6 image: "2.36", "" when absent.
std::string glibc_version_from_banner(std::string_view image);

// The V: value of the P:musl stanza of an apk database without -rN: "1.2.5", "".
std::string musl_version_from_apk_db(std::string_view db);

}  // namespace tailor::platform
