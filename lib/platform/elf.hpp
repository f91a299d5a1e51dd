#pragma once
// Minimal ELF header reader for /bin/sh (platform-and-install.md §3.2): class, machine and
// the PT_INTERP path. Reads only the header, the program headers and the interpreter bytes.
#include <cstdint>
#include <optional>
#include <string>

#include "platform/host_fs.hpp"
#include "util/result.hpp"

namespace tailor::platform {

struct ElfInfo {
  int elf_class = 0;                       // 1 = 32-bit, 2 = 64-bit
  uint16_t machine = 0;                    // e_machine: 62 x86-64, 183 aarch64, 40 arm, 3 i386
  std::optional<std::string> interpreter;  // PT_INTERP without trailing NULs
  bool operator==(const ElfInfo&) const = default;
};

// Parses the ELF file; an error says why the file is not a usable ELF.
Result<ElfInfo> read_elf_info(const ReadOnlyFile& file);

// Maps e_machine + class to tailor's arch ("amd64", "arm64"); "" when unsupported.
std::string arch_of_elf(const ElfInfo& info);

// Name of an unsupported ELF machine for messages ("arm", "386", "machine 243").
std::string elf_machine_name(const ElfInfo& info);

}  // namespace tailor::platform
