#pragma once
// One fuzz input for archive extraction (docs/install.md, "Extraction safety"). The first byte picks
// the format, the file name, strip_dirs and a files filter; the rest is the archive. Shared
// by fuzz_extract and the regression replay in tests/unit/test_fuzz_regressions.cpp.
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "install/extract.hpp"

namespace tailor::fuzz {

namespace detail {

inline bool is_beneath(const std::filesystem::path& path, const std::filesystem::path& root) {
  auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return r == root.end();
}

// Everything extraction left under `dest` must stay inside it: symlinks resolve beneath it,
// no file keeps setuid/setgid/sticky bits, and no regular file is a hard link.
inline std::string check_tree(const std::filesystem::path& dest) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root = fs::canonical(dest, ec);
  if (ec) return "destination vanished: " + dest.string();
  for (auto it = fs::recursive_directory_iterator(dest, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path& path = it->path();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    if ((st.st_mode & (S_ISUID | S_ISGID | S_ISVTX)) != 0)
      return "special permission bits survived on " + path.string();
    if (S_ISREG(st.st_mode) && st.st_nlink != 1) return "a hard link survived: " + path.string();
    if (S_ISLNK(st.st_mode)) {
      std::error_code resolve;
      fs::path resolved = fs::weakly_canonical(path, resolve);
      if (!resolve && !is_beneath(resolved, root)) {
        return "symlink " + path.string() + " resolves outside the destination: " + resolved.string();
      }
    }
  }
  return "";
}

}  // namespace detail

// Extracts the input under small limits into a fresh `work`/out/dest and removes it again.
// Returns "" when every invariant holds, else what was violated.
inline std::string check_extract_input(std::string_view input, const std::filesystem::path& work) {
  namespace fs = std::filesystem;
  if (input.empty()) return "";
  static constexpr std::array<const char*, 8> k_formats{"auto",    "tar",     "tar.gz", "tar.xz",
                                                        "tar.bz2", "tar.zst", "tar.lz", "zip"};
  static constexpr std::array<const char*, 8> k_names{"in.tar.gz",  "in.tgz", "in.tar.xz", "in.tbz2",
                                                      "in.tar.zst", "in.tlz", "in.zip",    "in.TAR"};
  const auto selector = static_cast<unsigned char>(input.front());
  input.remove_prefix(1);

  std::error_code ec;
  fs::remove_all(work / "in", ec);
  fs::remove_all(work / "out", ec);
  fs::create_directories(work / "in", ec);
  fs::create_directories(work / "out" / "dest", ec);
  if (ec) return "cannot create " + (work / "out" / "dest").string();
  const fs::path archive = work / "in" / k_names[(selector >> 3) & 7];
  {
    std::ofstream out(archive, std::ios::binary | std::ios::trunc);
    out.write(input.data(), static_cast<std::streamsize>(input.size()));
    if (!out) return "cannot write " + archive.string();
  }
  install::ExtractOptions options;
  options.format = k_formats[selector & 7];
  options.strip_dirs = (selector >> 6) & 1;
  if ((selector >> 7) != 0) options.files = {"bin/tool", "README"};
  options.limits.max_total_bytes = 1 << 20;
  options.limits.max_entries = 64;
  options.limits.max_path_length = 256;
  auto report = install::extract_archive(archive, work / "out" / "dest", options);
  if (report) {
    if (report->bytes > options.limits.max_total_bytes) return "extraction went past the size limit";
    if (report->entries > options.limits.max_entries) return "extraction went past the entry limit";
  } else if (report.error().message.empty()) {
    return "a refused archive has no message";
  }
  // Nothing may appear beside the destination: work/ holds in/ and out/, out/ holds dest/
  // and in/ the archive alone.
  const std::pair<fs::path, std::vector<std::string>> expected[] = {
      {work, {"in", "out"}}, {work / "out", {"dest"}}, {work / "in", {archive.filename().string()}}};
  for (const auto& [dir, names] : expected) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (std::find(names.begin(), names.end(), entry.path().filename().string()) == names.end()) {
        return "extraction wrote outside the destination: " + entry.path().string();
      }
    }
  }
  std::string violation = detail::check_tree(work / "out" / "dest");
  fs::remove_all(work / "out", ec);
  return violation;
}

}  // namespace tailor::fuzz
