#pragma once
// C library and userland architecture from /bin/sh (platform-and-install.md §1.3, §3).
#include <string>
#include <string_view>

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
};

// Reads /bin/sh (following links below the root) and the musl loader fallback.
LibcArch detect_libc_and_arch(const HostFs& fs);

// `release version X` banner of a glibc libc.so.6 image: "2.36", "" when absent.
std::string glibc_version_from_banner(std::string_view image);

// The V: value of the P:musl stanza of an apk database without -rN: "1.2.5", "".
std::string musl_version_from_apk_db(std::string_view db);

}  // namespace tailor::platform
