#include "support/sysroot.hpp"

#include <elf.h>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "platform/host_fs.hpp"
#include "support/scratch.hpp"

namespace tailor::test {
namespace fs = std::filesystem;

namespace {

template <typename Ehdr, typename Phdr>
std::string build_elf(uint16_t machine, unsigned char elf_class, const std::string& interpreter) {
  Ehdr header{};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = elf_class;
  header.e_ident[EI_DATA] = ELFDATA2LSB;
  header.e_ident[EI_VERSION] = EV_CURRENT;
  header.e_type = ET_DYN;
  header.e_machine = machine;
  header.e_version = EV_CURRENT;
  header.e_ehsize = sizeof(Ehdr);
  header.e_phentsize = sizeof(Phdr);
  std::string bytes;
  std::string path = interpreter.empty() ? "" : interpreter + '\0';
  if (!path.empty()) {
    header.e_phoff = sizeof(Ehdr);
    header.e_phnum = 1;
  }
  bytes.append(reinterpret_cast<const char*>(&header), sizeof header);
  if (!path.empty()) {
    Phdr interp{};
    interp.p_type = PT_INTERP;
    interp.p_offset = sizeof(Ehdr) + sizeof(Phdr);
    interp.p_filesz = path.size();
    interp.p_memsz = path.size();
    interp.p_flags = PF_R;
    interp.p_align = 1;
    bytes.append(reinterpret_cast<const char*>(&interp), sizeof interp);
    bytes += path;
  }
  return bytes;
}

uint16_t machine_of(const std::string& name) {
  if (name == "x86_64") return EM_X86_64;
  if (name == "aarch64") return EM_AARCH64;
  if (name == "arm") return EM_ARM;
  if (name == "i386") return EM_386;
  throw std::invalid_argument("unknown machine in bin-sh spec: " + name);
}

}  // namespace

void write_fake_elf(const fs::path& path, uint16_t machine, int elf_class, const std::string& interpreter) {
  std::string bytes = elf_class == 32 ? build_elf<Elf32_Ehdr, Elf32_Phdr>(machine, ELFCLASS32, interpreter)
                                      : build_elf<Elf64_Ehdr, Elf64_Phdr>(machine, ELFCLASS64, interpreter);
  write_text(path, bytes);
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
}

fs::path make_sysroot(const std::string& scenario) {
  fs::path source = testdata("sysfs/" + scenario);
  if (!fs::is_directory(source)) throw std::invalid_argument("no fixture " + source.string());
  fs::path root = fresh_dir("sysroot-" + scenario);
  fs::copy(source, root, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  fs::path spec = root / "tailor-fixture/bin-sh";
  if (fs::exists(spec)) {
    std::istringstream words(read_text(spec));
    std::string machine, interpreter, target = "/bin/sh";
    int elf_class = 64;
    words >> machine >> elf_class >> interpreter >> target;
    // Never write through a committed link: an absolute one would leave the scratch root.
    if (fs::is_symlink(root / target.substr(1))) throw std::invalid_argument(target + " is a link in " + scenario);
    write_fake_elf(root / target.substr(1), machine_of(machine), elf_class, interpreter == "-" ? "" : interpreter);
  }
  if (!fs::is_directory(root / "sys")) return root;
  for (const auto& entry :
       fs::recursive_directory_iterator(root / "sys", fs::directory_options::skip_permission_denied)) {
    if (entry.is_regular_file() && platform::is_forbidden_sysfs_name(entry.path().filename().string())) {
      fs::permissions(entry.path(), fs::perms::none);
    }
  }
  return root;
}

}  // namespace tailor::test
