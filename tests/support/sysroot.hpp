#pragma once
// Testing roots for platform detection: fixture trees from testdata/sysfs/<scenario>/ copied
// into the scratch directory, with a minimal ELF /bin/sh generated at run time.
#include <cstdint>
#include <filesystem>
#include <string>

namespace tailor::test {

// Writes a minimal ELF file: header, one PT_INTERP program header and the interpreter path
// ("" = static, no program headers). elf_class is 32 or 64; machine is e_machine.
void write_fake_elf(const std::filesystem::path& path, uint16_t machine, int elf_class, const std::string& interpreter);

// Copies testdata/sysfs/<scenario> to a fresh scratch directory and returns it. bin/sh is
// made from tailor-fixture/bin-sh ("<x86_64|aarch64|arm> <32|64> <interpreter|-> [path]", the
// ELF written at path, /bin/sh by default, so a committed bin/sh link can point at it); sysfs
// files that must never be read (config, rom, resource*) get mode 0000.
std::filesystem::path make_sysroot(const std::string& scenario);

}  // namespace tailor::test
