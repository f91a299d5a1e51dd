#include "platform/libc.hpp"

#include <sys/utsname.h>
#include <algorithm>

#include <fmt/format.h>

#include "platform/elf.hpp"
#include "util/dotted_version.hpp"
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

// The architecture this tailor was compiled for.
constexpr std::string_view k_build_arch =
#if defined(__x86_64__)
    "amd64";
#elif defined(__aarch64__)
    "arm64";
#else
    "";
#endif

// The real machine without /bin/sh: the running tailor's own ELF header, else uname.
void infer_arch_of_this_machine(const HostFs& fs, LibcArch& out) {
  std::string problem = "cannot open";
  if (auto self = fs.open("/proc/self/exe")) {
    auto info = read_elf_info(*self);
    if (info && !arch_of_elf(*info).empty()) {
      out.arch = arch_of_elf(*info);
      out.arch_source = fmt::format("ELF e_machine {} of this tailor (/proc/self/exe; {})", info->machine, out.problem);
      return;
    }
    problem = info ? "unsupported machine" : info.error().message;
  }
  out.arch = arch_from_uname();
  out.arch_source = fmt::format("uname machine (/proc/self/exe: {}; {})", problem, out.problem);
}

// A testing root without /bin/sh: the machine named by its loaders, else the compile target
// (uname would describe this machine, not the tree; --arch overrides either).
void infer_arch_of_rooted_tree(const std::vector<LoaderFile>& loaders, LibcArch& out) {
  for (const LoaderFile& loader : loaders) {
    if (loader.arch.empty()) continue;
    out.arch = loader.arch;
    out.arch_source = fmt::format("loader name {} ({})", loader.path, out.problem);
    return;
  }
  out.arch = std::string(k_build_arch);
  out.arch_source = fmt::format(
      "compile target of this tailor build ({}, no loader naming a machine; "
      "--arch overrides)",
      out.problem);
}

// The loader that names the C library: one for `arch` (or any machine), glibc before musl
// unless the tree is Alpine (gcompat installs ld-linux-*.so.2 there; Debian's musl package
// installs ld-musl-*.so.1 beside glibc).
const LoaderFile* choose_loader(const HostFs& fs, const std::vector<LoaderFile>& loaders, const std::string& arch) {
  std::string preferred = fs.exists("/etc/alpine-release") ? "musl" : "glibc";
  const LoaderFile* best = nullptr;
  auto rank = [&](const LoaderFile& l) { return (l.arch == arch ? 2 : 0) + (l.libc == preferred ? 1 : 0); };
  for (const LoaderFile& loader : loaders) {
    if (!loader.arch.empty() && loader.arch != arch) continue;
    if (best == nullptr || rank(loader) > rank(*best)) best = &loader;
  }
  return best;
}

}  // namespace

std::string glibc_shortfall(std::string_view needed, std::string_view libc, std::string_view libc_version) {
  if (libc != "glibc" || !util::is_dotted_version(needed) || !util::is_dotted_version(libc_version)) return "";
  if (util::compare_dotted_versions(needed, libc_version) <= 0) return "";
  return fmt::format("needs glibc {}, this machine has {}", needed, libc_version);
}

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

std::vector<LoaderFile> find_loader_files(const HostFs& fs) {
  std::vector<std::string> dirs;
  for (const char* base : {"/lib", "/lib64", "/usr/lib", "/usr/lib64"}) {
    dirs.emplace_back(base);
    for (const std::string& name : fs.list_dir(base)) {
      bool multiarch = name.find("-linux-gnu") != std::string::npos || name.find("-linux-musl") != std::string::npos;
      if (multiarch && fs.is_dir(fmt::format("{}/{}", base, name))) dirs.push_back(fmt::format("{}/{}", base, name));
    }
  }
  std::vector<LoaderFile> out;
  for (const std::string& dir : dirs) {
    for (const std::string& name : fs.list_dir(dir)) {
      LoaderFile loader{fmt::format("{}/{}", dir, name), "", ""};
      if (name.starts_with("ld-musl-") && name.ends_with(".so.1")) {
        loader.libc = "musl";
        std::string machine = name.substr(8, name.size() - 8 - 5);
        loader.arch = machine == "x86_64" ? "amd64" : machine == "aarch64" ? "arm64" : "";
      } else if (name.starts_with("ld-linux") && name.find(".so.") != std::string::npos) {
        loader.libc = "glibc";
        loader.arch = name.starts_with("ld-linux-x86-64.so.")    ? "amd64"
                      : name.starts_with("ld-linux-aarch64.so.") ? "arm64"
                                                                 : "";
      } else {
        continue;
      }
      out.push_back(std::move(loader));
    }
  }
  std::sort(out.begin(), out.end(), [](const LoaderFile& a, const LoaderFile& b) { return a.path < b.path; });
  return out;
}

LibcArch detect_libc_and_arch(const HostFs& fs) {
  LibcArch out;
  std::string sh = fs.resolve_links("/bin/sh");
  std::string elf_problem;
  bool static_sh = false;
  if (auto file = fs.open(sh)) {
    if (auto info = read_elf_info(*file)) {
      out.arch = arch_of_elf(*info);
      if (out.arch.empty()) {
        out.unsupported = elf_machine_name(*info);
      }
      out.arch_source = fmt::format("/bin/sh ELF e_machine {} (class {})", info->machine, info->elf_class * 32);
      if (info->interpreter) out.interpreter = *info->interpreter;
      static_sh = !info->interpreter;
    } else {
      elf_problem = info.error().message;
    }
  } else {
    elf_problem = "cannot open";
  }

  std::string loader_path;
  std::vector<LoaderFile> loaders;
  if (out.interpreter.empty()) loaders = find_loader_files(fs);
  if (out.arch_source.empty()) {
    out.problem = fmt::format("no readable /bin/sh ({})", elf_problem);
    out.arch_level = "inferred";
    if (!fs.rooted()) {
      infer_arch_of_this_machine(fs, out);
    } else {
      infer_arch_of_rooted_tree(loaders, out);
    }
  }

  if (!out.interpreter.empty()) {
    bool musl = out.interpreter.find("musl") != std::string::npos;
    out.libc = musl ? "musl" : "glibc";
    out.libc_source = fmt::format("/bin/sh interpreter {}", out.interpreter);
    if (!musl && out.interpreter.find("ld-linux") == std::string::npos) {
      out.libc_source += " (not a glibc loader name; glibc assumed for compatibility)";
    }
  } else {
    out.libc_level = "inferred";
    std::string why = static_sh ? "no interpreter in /bin/sh" : "no readable /bin/sh";
    if (const LoaderFile* loader = choose_loader(fs, loaders, out.arch)) {
      out.libc = loader->libc;
      out.libc_source = fmt::format("{} ({})", loader->path, why);
      loader_path = loader->path;
    } else {
      out.libc = "glibc";
      out.libc_source =
          fmt::format("default ({}, no ld-linux-*.so.* or ld-musl-*.so.1 in the library directories)", why);
    }
  }

  if (out.libc == "musl") {
    if (auto db = fs.read_text("/lib/apk/db/installed", 16 << 20)) out.libc_version = musl_version_from_apk_db(*db);
  } else {
    out.libc_version = glibc_version(fs, out.interpreter.empty() ? loader_path : out.interpreter);
  }
  return out;
}

}  // namespace tailor::platform
