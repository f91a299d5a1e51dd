#include "platform/elf.hpp"

#include <elf.h>
#include <cstring>
#include <vector>

#include "util/dotted_version.hpp"

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
constexpr uint64_t k_max_dynamic = 1 << 20;       // bytes of the dynamic segment read
constexpr uint64_t k_max_strtab = 16 << 20;       // bytes of the dynamic string table read
constexpr uint32_t k_max_version_entries = 4096;  // Verneed plus Vernaux entries walked

struct Segment {
  uint32_t type = 0;
  uint64_t offset = 0, vaddr = 0, filesz = 0;
};

// The ELF header and program headers of a file.
struct Parsed {
  ElfInfo info;
  bool be = false;
  bool is64 = false;
  std::vector<Segment> segments;
};

Result<Parsed> parse_headers(const ReadOnlyFile& file) {
  auto ident = file.read_at(0, EI_NIDENT);
  if (!ident || std::memcmp(ident->data(), ELFMAG, SELFMAG) != 0) {
    return fail(ErrorKind::invalid_input, "not an ELF file");
  }
  Parsed parsed;
  ElfInfo& info = parsed.info;
  info.elf_class = static_cast<unsigned char>((*ident)[EI_CLASS]);
  int data = static_cast<unsigned char>((*ident)[EI_DATA]);
  if (info.elf_class != ELFCLASS32 && info.elf_class != ELFCLASS64) {
    return fail(ErrorKind::invalid_input, "unknown ELF class {}", info.elf_class);
  }
  if (data != ELFDATA2LSB && data != ELFDATA2MSB)
    return fail(ErrorKind::invalid_input, "unknown ELF byte order {}", data);
  const bool be = parsed.be = data == ELFDATA2MSB;
  const bool is64 = parsed.is64 = info.elf_class == ELFCLASS64;

  auto header = file.read_at(0, is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr));
  if (!header) return fail(ErrorKind::invalid_input, "truncated ELF header");
  info.type = decode<uint16_t>(*header, offsetof(Elf64_Ehdr, e_type), be);
  info.machine = decode<uint16_t>(*header, offsetof(Elf64_Ehdr, e_machine), be);
  uint64_t phoff = is64 ? decode<uint64_t>(*header, offsetof(Elf64_Ehdr, e_phoff), be)
                        : decode<uint32_t>(*header, offsetof(Elf32_Ehdr, e_phoff), be);
  uint16_t phentsize =
      decode<uint16_t>(*header, is64 ? offsetof(Elf64_Ehdr, e_phentsize) : offsetof(Elf32_Ehdr, e_phentsize), be);
  uint16_t phnum = decode<uint16_t>(*header, is64 ? offsetof(Elf64_Ehdr, e_phnum) : offsetof(Elf32_Ehdr, e_phnum), be);
  if (phnum >= 0xffff) return fail(ErrorKind::invalid_input, "too many program headers ({})", phnum);
  size_t min_entry = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
  if (phnum == 0) return parsed;
  if (phentsize < min_entry) return fail(ErrorKind::invalid_input, "program header size {} too small", phentsize);

  auto table = file.read_at(phoff, uint64_t{phentsize} * phnum);
  if (!table) return fail(ErrorKind::invalid_input, "program headers lie outside the file");
  for (uint16_t i = 0; i < phnum; ++i) {
    size_t base = size_t{i} * phentsize;
    Segment segment;
    segment.type = decode<uint32_t>(*table, base, be);
    if (is64) {
      segment.offset = decode<uint64_t>(*table, base + offsetof(Elf64_Phdr, p_offset), be);
      segment.vaddr = decode<uint64_t>(*table, base + offsetof(Elf64_Phdr, p_vaddr), be);
      segment.filesz = decode<uint64_t>(*table, base + offsetof(Elf64_Phdr, p_filesz), be);
    } else {
      segment.offset = decode<uint32_t>(*table, base + offsetof(Elf32_Phdr, p_offset), be);
      segment.vaddr = decode<uint32_t>(*table, base + offsetof(Elf32_Phdr, p_vaddr), be);
      segment.filesz = decode<uint32_t>(*table, base + offsetof(Elf32_Phdr, p_filesz), be);
    }
    parsed.segments.push_back(segment);
  }
  return parsed;
}

Status read_interpreter(const ReadOnlyFile& file, Parsed& parsed) {
  for (const Segment& segment : parsed.segments) {
    if (segment.type != PT_INTERP) continue;
    if (segment.filesz > k_max_interp)
      return fail(ErrorKind::invalid_input, "interpreter segment of {} bytes", segment.filesz);
    auto path = file.read_at(segment.offset, segment.filesz);
    if (!path) return fail(ErrorKind::invalid_input, "interpreter segment lies outside the file");
    while (!path->empty() && path->back() == '\0') path->pop_back();
    parsed.info.interpreter = *path;
    break;
  }
  return {};
}

// The file offset of virtual address `address` in a loaded segment; nullopt when none holds it.
std::optional<uint64_t> file_offset(const Parsed& parsed, uint64_t address) {
  for (const Segment& segment : parsed.segments) {
    if (segment.type != PT_LOAD || address < segment.vaddr) continue;
    uint64_t delta = address - segment.vaddr;
    if (delta < segment.filesz && segment.offset + delta >= segment.offset) return segment.offset + delta;
  }
  return std::nullopt;
}

// What the dynamic segment says about the version needs.
struct DynamicTags {
  uint64_t strtab = 0, strsz = 0, verneed = 0, verneednum = 0;
};

Result<std::optional<DynamicTags>> read_dynamic(const ReadOnlyFile& file, const Parsed& parsed) {
  const Segment* dynamic = nullptr;
  for (const Segment& segment : parsed.segments) {
    if (segment.type == PT_DYNAMIC) dynamic = &segment;
  }
  if (dynamic == nullptr) return std::optional<DynamicTags>();
  if (dynamic->filesz > k_max_dynamic)
    return fail(ErrorKind::invalid_input, "dynamic segment of {} bytes", dynamic->filesz);
  auto bytes = file.read_at(dynamic->offset, dynamic->filesz);
  if (!bytes) return fail(ErrorKind::invalid_input, "dynamic segment lies outside the file");
  const size_t entry = parsed.is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
  const size_t half = entry / 2;
  DynamicTags tags;
  for (size_t at = 0; at + entry <= bytes->size(); at += entry) {
    uint64_t tag = parsed.is64 ? decode<uint64_t>(*bytes, at, parsed.be) : decode<uint32_t>(*bytes, at, parsed.be);
    uint64_t value =
        parsed.is64 ? decode<uint64_t>(*bytes, at + half, parsed.be) : decode<uint32_t>(*bytes, at + half, parsed.be);
    if (tag == DT_NULL) break;
    if (tag == DT_STRTAB) tags.strtab = value;
    if (tag == DT_STRSZ) tags.strsz = value;
    if (tag == DT_VERNEED) tags.verneed = value;
    if (tag == DT_VERNEEDNUM) tags.verneednum = value;
  }
  return std::optional<DynamicTags>(tags);
}

// The version names of the Verneed chain (.gnu.version_r): "GLIBC_2.34", "GLIBCXX_3.4", ...
Result<std::vector<std::string>> version_needs(const ReadOnlyFile& file, const Parsed& parsed,
                                               const DynamicTags& tags) {
  std::vector<std::string> names;
  if (tags.verneed == 0 || tags.verneednum == 0) return names;
  if (tags.strsz > k_max_strtab) return fail(ErrorKind::invalid_input, "dynamic string table of {} bytes", tags.strsz);
  auto strtab_at = file_offset(parsed, tags.strtab);
  auto verneed_at = file_offset(parsed, tags.verneed);
  if (!strtab_at || !verneed_at)
    return fail(ErrorKind::invalid_input, "version needs point outside the loaded segments");
  auto strtab = file.read_at(*strtab_at, tags.strsz);
  if (!strtab) return fail(ErrorKind::invalid_input, "dynamic string table lies outside the file");
  auto read = [&](uint64_t offset, uint64_t size) -> Result<std::string> {
    auto bytes = file.read_at(offset, size);
    if (!bytes) return fail(ErrorKind::invalid_input, "version needs lie outside the file");
    return std::move(*bytes);
  };
  auto name_at = [&](uint32_t index) -> Result<std::string> {
    if (index >= strtab->size()) return fail(ErrorKind::invalid_input, "version name outside the string table");
    size_t end = strtab->find('\0', index);
    if (end == std::string::npos) return fail(ErrorKind::invalid_input, "unterminated version name");
    return strtab->substr(index, end - index);
  };
  uint32_t walked = 0;
  uint64_t need = *verneed_at;
  for (uint64_t i = 0; i < tags.verneednum; ++i) {
    if (++walked > k_max_version_entries) return fail(ErrorKind::invalid_input, "too many version needs");
    auto entry = read(need, sizeof(Elf64_Verneed));
    if (!entry) return fail(entry.error());
    uint16_t count = decode<uint16_t>(*entry, offsetof(Elf64_Verneed, vn_cnt), parsed.be);
    uint32_t aux = decode<uint32_t>(*entry, offsetof(Elf64_Verneed, vn_aux), parsed.be);
    uint32_t next = decode<uint32_t>(*entry, offsetof(Elf64_Verneed, vn_next), parsed.be);
    uint64_t aux_at = need + aux;
    for (uint16_t j = 0; j < count; ++j) {
      if (++walked > k_max_version_entries) return fail(ErrorKind::invalid_input, "too many version needs");
      auto vernaux = read(aux_at, sizeof(Elf64_Vernaux));
      if (!vernaux) return fail(vernaux.error());
      auto name = name_at(decode<uint32_t>(*vernaux, offsetof(Elf64_Vernaux, vna_name), parsed.be));
      if (!name) return fail(name.error());
      names.push_back(std::move(*name));
      uint32_t aux_next = decode<uint32_t>(*vernaux, offsetof(Elf64_Vernaux, vna_next), parsed.be);
      if (aux_next == 0) break;
      aux_at += aux_next;
    }
    if (next == 0) break;
    need += next;
  }
  return names;
}

}  // namespace

Result<ElfInfo> read_elf_info(const ReadOnlyFile& file) {
  auto parsed = parse_headers(file);
  if (!parsed) return fail(parsed.error());
  if (auto st = read_interpreter(file, *parsed); !st) return fail(st.error());
  return parsed->info;
}

Result<ElfNeeds> read_elf_needs(const ReadOnlyFile& file) {
  auto parsed = parse_headers(file);
  if (!parsed) return fail(parsed.error());
  if (auto st = read_interpreter(file, *parsed); !st) return fail(st.error());
  ElfNeeds needs;
  needs.info = parsed->info;
  auto tags = read_dynamic(file, *parsed);
  if (!tags) return fail(tags.error());
  if (!*tags) return needs;
  needs.dynamic = true;
  auto names = version_needs(file, *parsed, **tags);
  if (!names) return fail(names.error());
  for (const std::string& name : *names) {
    if (!name.starts_with("GLIBC_")) continue;
    std::string version = name.substr(6);
    if (!util::is_dotted_version(version)) continue;  // GLIBC_PRIVATE, GLIBC_ABI_DT_RELR
    if (needs.max_glibc.empty() || util::compare_dotted_versions(version, needs.max_glibc) > 0)
      needs.max_glibc = version;
  }
  return needs;
}

std::string interpreter_libc(std::string_view interpreter) {
  std::string_view name = interpreter.substr(interpreter.rfind('/') + 1);
  if (name.starts_with("ld-musl-")) return "musl";
  if (name.starts_with("ld-linux") || name == "ld64.so.1" || name == "ld64.so.2" || name == "ld.so.1") return "glibc";
  return "";
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
