#include "support/elf_fixture.hpp"

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>

#include "support/process.hpp"
#include "support/scratch.hpp"

namespace tailor::test {
namespace fs = std::filesystem;
namespace {

uint32_t elf_hash(const std::string& name) {
  uint32_t h = 0;
  for (unsigned char c : name) {
    h = (h << 4) + c;
    uint32_t g = h & 0xf0000000U;
    if (g != 0) h ^= g >> 24;
    h &= ~g;
  }
  return h;
}

template <typename T>
T at(const std::string& bytes, size_t offset) {
  if (offset + sizeof(T) > bytes.size()) throw std::runtime_error("fixture: offset outside the file");
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

void write_executable(const fs::path& out, const std::string& bytes) {
  write_text(out, bytes);
  ::chmod(out.c_str(), 0755);
}

// Calls `visit(vernaux offset, name offset)` for every version need of a 64-bit fixture.
void each_need(const std::string& bytes, const std::function<void(size_t, size_t)>& visit) {
  auto header = at<Elf64_Ehdr>(bytes, 0);
  for (size_t i = 0; i < header.e_shnum; ++i) {
    auto section = at<Elf64_Shdr>(bytes, header.e_shoff + i * header.e_shentsize);
    if (section.sh_type != SHT_GNU_verneed) continue;
    auto strings = at<Elf64_Shdr>(bytes, header.e_shoff + section.sh_link * header.e_shentsize);
    size_t need = section.sh_offset;
    for (size_t n = 0; n < section.sh_info; ++n) {
      auto verneed = at<Elf64_Verneed>(bytes, need);
      size_t aux = need + verneed.vn_aux;
      for (size_t k = 0; k < verneed.vn_cnt; ++k) {
        auto vernaux = at<Elf64_Vernaux>(bytes, aux);
        visit(aux, strings.sh_offset + vernaux.vna_name);
        aux += vernaux.vna_next;
      }
      need += verneed.vn_next;
    }
  }
}

}  // namespace

void compile_hello(const fs::path& out) {
  fs::path source = out.parent_path() / (out.filename().string() + ".c");
  write_text(source, "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n");
  // run() takes a path (execve): the machine's cc from PATH.
  std::string cc;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(start, end - start)) / "cc";
    if (cc.empty() && ::access(candidate.c_str(), X_OK) == 0) cc = candidate.string();
    start = end + 1;
  }
  if (cc.empty()) throw std::runtime_error("no cc on PATH");
  auto r = run({cc, "-o", out.string(), source.string()});
  if (r.exit_code != 0) throw std::runtime_error("cc failed: " + r.err);
}

void raise_version_need(const fs::path& in, const fs::path& out, const std::string& from, const std::string& to) {
  if (from.size() != to.size()) throw std::runtime_error("fixture: versions must have the same length");
  std::string bytes = read_text(in);
  bool found = false;
  each_need(bytes, [&](size_t aux, size_t name) {
    if (bytes.compare(name, from.size() + 1, from.c_str(), from.size() + 1) != 0) return;
    bytes.replace(name, to.size(), to);
    uint32_t hash = elf_hash(to);
    std::memcpy(bytes.data() + aux + offsetof(Elf64_Vernaux, vna_hash), &hash, sizeof hash);
    found = true;
  });
  if (!found) throw std::runtime_error("fixture: no version need " + from);
  write_executable(out, bytes);
}

std::string highest_glibc_need(const fs::path& file) {
  std::string bytes = read_text(file);
  std::string best;
  auto newer = [](const std::string& a, const std::string& b) {
    // Numeric comparison of dotted versions, part by part.
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      unsigned long x = 0, y = 0;
      while (i < a.size() && a[i] != '.') x = x * 10 + static_cast<unsigned long>(a[i++] - '0');
      while (j < b.size() && b[j] != '.') y = y * 10 + static_cast<unsigned long>(b[j++] - '0');
      ++i, ++j;
      if (x != y) return x > y;
    }
    return false;
  };
  each_need(bytes, [&](size_t, size_t name) {
    std::string text(bytes.c_str() + name);
    if (!text.starts_with("GLIBC_") || text.find_first_not_of("0123456789.", 6) != std::string::npos) return;
    if (best.empty() || newer(text.substr(6), best)) best = text.substr(6);
  });
  return best;
}

void set_interpreter(const fs::path& in, const fs::path& out, const std::string& interpreter) {
  std::string bytes = read_text(in);
  auto header = at<Elf64_Ehdr>(bytes, 0);
  for (size_t i = 0; i < header.e_phnum; ++i) {
    auto segment = at<Elf64_Phdr>(bytes, header.e_phoff + i * header.e_phentsize);
    if (segment.p_type != PT_INTERP) continue;
    if (interpreter.size() + 1 > segment.p_filesz) throw std::runtime_error("fixture: interpreter too long");
    std::string padded = interpreter;
    padded.resize(segment.p_filesz, '\0');
    bytes.replace(segment.p_offset, padded.size(), padded);
    write_executable(out, bytes);
    return;
  }
  throw std::runtime_error("fixture: no PT_INTERP");
}

void set_machine(const fs::path& in, const fs::path& out, uint16_t machine) {
  std::string bytes = read_text(in);
  std::memcpy(bytes.data() + offsetof(Elf64_Ehdr, e_machine), &machine, sizeof machine);
  write_executable(out, bytes);
}

}  // namespace tailor::test
