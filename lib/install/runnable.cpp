#include "install/runnable.hpp"

#include <elf.h>
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "platform/elf.hpp"
#include "platform/libc.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

constexpr size_t k_listed = 5;

bool starts_like_elf(const platform::ReadOnlyFile& file) {
  auto magic = file.read_at(0, SELFMAG);
  return magic && *magic == std::string_view(ELFMAG, SELFMAG);
}

// What keeps one ELF file from running on `host`; "" when nothing does.
std::string problem_of(const platform::ElfNeeds& needs, const RunHost& host, bool declared) {
  const platform::ElfInfo& info = needs.info;
  std::string arch = platform::arch_of_elf(info);
  if (arch != host.arch) {
    if (!declared) return "";  // another architecture's file is data here, never run
    return fmt::format("is built for {}, this machine is {}", arch.empty() ? platform::elf_machine_name(info) : arch,
                       host.arch);
  }
  std::string libc = info.interpreter ? platform::interpreter_libc(*info.interpreter) : "";
  if (!libc.empty() && !host.libc.empty() && libc != host.libc) {
    // A loader that is installed (Debian's musl package, Alpine's gcompat) runs the binary.
    std::error_code ec;
    if (!fs::exists(*info.interpreter, ec)) {
      return fmt::format("is built for {} (its loader {} is missing here), this machine uses {}", libc,
                         *info.interpreter, host.libc);
    }
    return "";
  }
  if (needs.max_glibc.empty() || libc == "musl") return "";
  return platform::glibc_shortfall(needs.max_glibc, host.libc, host.libc_version);
}

}  // namespace

RunHost run_host_of(const platform::Facts& facts) {
  return RunHost{facts.os, facts.arch, facts.libc, facts.libc_version, false};
}

std::vector<std::string> runnable_problems(const fs::path& dir, const std::vector<std::string>& binaries,
                                           const RunHost& host) {
  std::vector<std::string> problems;
  if (host.os != "linux" || host.arch.empty()) return problems;
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(dir, ec);
  std::set<fs::path> declared;
  for (const auto& binary : binaries) {
    fs::path resolved = fs::weakly_canonical(root / binary, ec);
    if (!ec) declared.insert(resolved);
  }
  const platform::HostFs host_fs;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    auto file = host_fs.open(it->path().string());
    if (!file || !starts_like_elf(*file)) continue;
    const bool is_declared = declared.contains(it->path());
    std::string relative = it->path().lexically_relative(root).string();
    auto needs = platform::read_elf_needs(*file);
    if (!needs) {
      if (is_declared) problems.push_back(fmt::format("{} is a damaged ELF file: {}", relative, needs.error().message));
      continue;
    }
    if (!is_declared && needs->info.type != ET_EXEC && needs->info.type != ET_DYN) continue;
    if (std::string problem = problem_of(*needs, host, is_declared); !problem.empty())
      problems.push_back(fmt::format("{} {}", relative, problem));
  }
  std::sort(problems.begin(), problems.end());
  return problems;
}

std::string describe_problems(const std::vector<std::string>& problems) {
  std::vector<std::string> listed(problems.begin(),
                                  problems.begin() + static_cast<std::ptrdiff_t>(std::min(problems.size(), k_listed)));
  std::string text = util::join(listed, "; ");
  if (problems.size() > k_listed) text += fmt::format("; and {} more", problems.size() - k_listed);
  return text;
}

}  // namespace tailor::install
