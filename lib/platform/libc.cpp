#include "platform/libc.hpp"

#include <sys/utsname.h>

#include "platform/elf.hpp"
#include "util/strings.hpp"

#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

namespace tailor::platform {
namespace {

std::string arch_from_uname() {
  utsname name{};
  if (::uname(&name) != 0) return "";
  std::string_view machine = name.machine;
  if (machine == "x86_64") return "amd64";
  if (machine == "aarch64" || machine == "arm64") return "arm64";
  return "";
}

std::string dirname_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "/" : path.substr(0, slash);
}

// glibc version of the system whose loader is `interpreter`.
std::string glibc_version(const HostFs& fs, const std::string& interpreter) {
#if defined(__GLIBC__)
  // A dynamically linked tailor runs on the host glibc, so it knows the version directly.
  if (!fs.rooted()) return gnu_get_libc_version();
#endif
  if (interpreter.empty()) return "";
  std::string dir = dirname_of(fs.resolve_links(interpreter));
  std::string libc = fs.resolve_links(dir + "/libc.so.6");
  auto image = fs.read_text(libc, 4 << 20);
  return image ? glibc_version_from_banner(*image) : "";
}

}  // namespace

std::string glibc_version_from_banner(std::string_view image) {
  constexpr std::string_view k_marker = "release version ";
  size_t at = image.find(k_marker);
  if (at == std::string_view::npos) return "";
  size_t start = at + k_marker.size();
  size_t end = start;
  while (end < image.size() && ((image[end] >= '0' && image[end] <= '9') || image[end] == '.')) ++end;
  std::string_view version = image.substr(start, end - start);
  while (!version.empty() && version.back() == '.') version.remove_suffix(1);
  return std::string(version);
}

std::string musl_version_from_apk_db(std::string_view db) {
  bool in_musl = false;
  for (const std::string& line : util::split(db, '\n')) {
    if (line.empty()) {
      in_musl = false;
    } else if (line == "P:musl") {
      in_musl = true;
    } else if (in_musl && line.starts_with("V:")) {
      std::string version = line.substr(2);
      if (size_t rel = version.rfind("-r"); rel != std::string::npos) version.resize(rel);
      return version;
    }
  }
  return "";
}

LibcArch detect_libc_and_arch(const HostFs& fs) {
  LibcArch out;
  std::string sh = fs.resolve_links("/bin/sh");
  std::string elf_problem;
  if (auto file = fs.open(sh)) {
    if (auto info = read_elf_info(*file)) {
      out.arch = arch_of_elf(*info);
      if (out.arch.empty()) {
        out.unsupported = elf_machine_name(*info);
      }
      out.arch_source = fmt::format("/bin/sh ELF e_machine {} (class {})", info->machine, info->elf_class * 32);
      if (info->interpreter) out.interpreter = *info->interpreter;
    } else {
      elf_problem = info.error().message;
    }
  } else {
    elf_problem = "cannot open";
  }
  if (out.arch_source.empty() && !fs.rooted()) {
    out.arch = arch_from_uname();
    out.arch_source = fmt::format("uname machine (/bin/sh: {})", elf_problem);
  } else if (out.arch_source.empty()) {
    out.arch_source = fmt::format("/bin/sh: {}; uname is not consulted under --sysroot", elf_problem);
  }

  if (!out.interpreter.empty()) {
    bool musl = out.interpreter.find("musl") != std::string::npos;
    out.libc = musl ? "musl" : "glibc";
    out.libc_source = fmt::format("/bin/sh interpreter {}", out.interpreter);
    if (!musl && out.interpreter.find("ld-linux") == std::string::npos) {
      out.libc_source += " (not a glibc loader name; glibc assumed for compatibility)";
    }
  } else {
    for (const std::string& name : fs.list_dir("/lib")) {
      if (name.starts_with("ld-musl-") && name.ends_with(".so.1")) {
        out.libc = "musl";
        out.libc_source = fmt::format("/lib/{} (no interpreter in /bin/sh)", name);
        break;
      }
    }
    if (out.libc.empty()) {
      out.libc = "glibc";
      out.libc_source = "default (no /bin/sh interpreter, no /lib/ld-musl-*.so.1)";
    }
  }

  if (out.libc == "musl") {
    if (auto db = fs.read_text("/lib/apk/db/installed", 16 << 20)) out.libc_version = musl_version_from_apk_db(*db);
  } else {
    out.libc_version = glibc_version(fs, out.interpreter);
  }
  return out;
}

}  // namespace tailor::platform
