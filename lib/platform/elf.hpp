#pragma once
// Minimal ELF reader: class, type, machine and the PT_INTERP path for /bin/sh (detection), and
// the version needs of the dynamic segment (.gnu.version_r) for "can this binary run here?"
// (docs/install.md, "Can the build run here?"). Every read is bounds-checked: a truncated or
// hostile file is an ErrorKind::invalid_input error naming what is wrong, never a crash.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/host_fs.hpp"
#include "util/result.hpp"

namespace tailor::platform {

struct ElfInfo {
  int elf_class = 0;                       // 1 = 32-bit, 2 = 64-bit
  uint16_t type = 0;                       // e_type: 2 executable, 3 shared object (or PIE)
  uint16_t machine = 0;                    // e_machine: 62 x86-64, 183 aarch64, 40 arm, 3 i386
  std::optional<std::string> interpreter;  // PT_INTERP without trailing NULs
  bool operator==(const ElfInfo&) const = default;
};

// Parses the ELF file; an error says why the file is not a usable ELF.
Result<ElfInfo> read_elf_info(const ReadOnlyFile& file);

// What a binary needs of the machine it runs on.
struct ElfNeeds {
  ElfInfo info;
  bool dynamic = false;   // has a dynamic segment
  std::string max_glibc;  // highest GLIBC_x.y[.z] version need ("2.34"), "" when none
};

// Reads the headers, the interpreter and the version needs reached from the dynamic segment
// (DT_VERNEED, DT_VERNEEDNUM, DT_STRTAB, DT_STRSZ mapped through the PT_LOAD segments).
Result<ElfNeeds> read_elf_needs(const ReadOnlyFile& file);

// The C library an interpreter path belongs to: "musl" for ld-musl-*, "glibc" for ld-linux*,
// ld64.so.* and ld.so.1, "" for anything else.
std::string interpreter_libc(std::string_view interpreter);

// Maps e_machine + class to tailor's arch ("amd64", "arm64"); "" when unsupported.
std::string arch_of_elf(const ElfInfo& info);

// Name of an unsupported ELF machine for messages ("arm", "386", "machine 243").
std::string elf_machine_name(const ElfInfo& info);

}  // namespace tailor::platform
