#include "platform/elf.hpp"

#include <elf.h>
#include <cstring>

namespace tailor::platform {
namespace {

// Decodes an unsigned little- or big-endian integer of N bytes.
template <typename T>
T decode(const std::string& bytes, size_t offset, bool big_endian) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    auto byte = static_cast<unsigned char>(bytes[offset + (big_endian ? i : sizeof(T) - 1 - i)]);
    value = static_cast<T>((value << 8) | byte);
  }
  return value;
}

constexpr uint64_t k_max_interp = 4096;

}  // namespace

Result<ElfInfo> read_elf_info(const ReadOnlyFile& file) {
  auto ident = file.read_at(0, EI_NIDENT);
  if (!ident || std::memcmp(ident->data(), ELFMAG, SELFMAG) != 0) {
    return fail(ErrorKind::invalid_input, "not an ELF file");
  }
  ElfInfo info;
  info.elf_class = static_cast<unsigned char>((*ident)[EI_CLASS]);
  int data = static_cast<unsigned char>((*ident)[EI_DATA]);
  if (info.elf_class != ELFCLASS32 && info.elf_class != ELFCLASS64) {
    return fail(ErrorKind::invalid_input, "unknown ELF class {}", info.elf_class);
  }
  if (data != ELFDATA2LSB && data != ELFDATA2MSB)
    return fail(ErrorKind::invalid_input, "unknown ELF byte order {}", data);
  bool be = data == ELFDATA2MSB;
  bool is64 = info.elf_class == ELFCLASS64;

  auto header = file.read_at(0, is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr));
  if (!header) return fail(ErrorKind::invalid_input, "truncated ELF header");
  info.machine = decode<uint16_t>(*header, offsetof(Elf64_Ehdr, e_machine), be);
  uint64_t phoff = is64 ? decode<uint64_t>(*header, offsetof(Elf64_Ehdr, e_phoff), be)
                        : decode<uint32_t>(*header, offsetof(Elf32_Ehdr, e_phoff), be);
  uint16_t phentsize =
      decode<uint16_t>(*header, is64 ? offsetof(Elf64_Ehdr, e_phentsize) : offsetof(Elf32_Ehdr, e_phentsize), be);
  uint16_t phnum = decode<uint16_t>(*header, is64 ? offsetof(Elf64_Ehdr, e_phnum) : offsetof(Elf32_Ehdr, e_phnum), be);
  if (phnum >= 0xffff) return fail(ErrorKind::invalid_input, "too many program headers ({})", phnum);
  size_t min_entry = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
  if (phnum == 0) return info;
  if (phentsize < min_entry) return fail(ErrorKind::invalid_input, "program header size {} too small", phentsize);

  auto table = file.read_at(phoff, uint64_t{phentsize} * phnum);
  if (!table) return fail(ErrorKind::invalid_input, "program headers lie outside the file");
  for (uint16_t i = 0; i < phnum; ++i) {
    size_t base = size_t{i} * phentsize;
    uint32_t type = decode<uint32_t>(*table, base, be);
    if (type != PT_INTERP) continue;
    uint64_t offset = is64 ? decode<uint64_t>(*table, base + offsetof(Elf64_Phdr, p_offset), be)
                           : decode<uint32_t>(*table, base + offsetof(Elf32_Phdr, p_offset), be);
    uint64_t size = is64 ? decode<uint64_t>(*table, base + offsetof(Elf64_Phdr, p_filesz), be)
                         : decode<uint32_t>(*table, base + offsetof(Elf32_Phdr, p_filesz), be);
    if (size > k_max_interp) return fail(ErrorKind::invalid_input, "interpreter segment of {} bytes", size);
    auto path = file.read_at(offset, size);
    if (!path) return fail(ErrorKind::invalid_input, "interpreter segment lies outside the file");
    while (!path->empty() && path->back() == '\0') path->pop_back();
    info.interpreter = *path;
    break;
  }
  return info;
}

std::string arch_of_elf(const ElfInfo& info) {
  if (info.elf_class == ELFCLASS64 && info.machine == EM_X86_64) return "amd64";
  if (info.elf_class == ELFCLASS64 && info.machine == EM_AARCH64) return "arm64";
  return "";
}

std::string elf_machine_name(const ElfInfo& info) {
  switch (info.machine) {
  case EM_386: return "386";
  case EM_ARM: return "arm";
  case EM_X86_64: return info.elf_class == ELFCLASS32 ? "x32" : "amd64";
  case EM_AARCH64: return info.elf_class == ELFCLASS32 ? "arm64 (32-bit ELF)" : "arm64";
  case EM_RISCV: return "riscv";
  case EM_PPC64: return "ppc64";
  case EM_S390: return "s390x";
  default: return "machine " + std::to_string(info.machine);
  }
}

}  // namespace tailor::platform
