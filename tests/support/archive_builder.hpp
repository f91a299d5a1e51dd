#pragma once
// Builds real archives (tar.gz, tar.xz, tar.bz2, tar.zst, tar.lz, tar, zip) with libarchive's
// write API from an in-memory list of entries, including hostile ones for safety tests.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tailor::test {

enum class EntryType { file, directory, symlink, hardlink, char_device, block_device, fifo };

struct ArchiveEntry {
  std::string path;  // stored byte-exact: absolute and `..` paths are allowed on purpose
  EntryType type = EntryType::file;
  std::string content;   // regular files
  unsigned mode = 0644;  // permission bits, setuid/setgid/sticky included when given
  std::string target;    // symlink target or hard-link source path
  // Declared size for regular files when larger than `content` is wanted (0: content size);
  // the missing bytes are written as zeros, so large files need no large string.
  unsigned long long size = 0;
};

// Convenience constructors.
ArchiveEntry file_entry(std::string path, std::string content, unsigned mode = 0644);
ArchiveEntry dir_entry(std::string path, unsigned mode = 0755);
ArchiveEntry symlink_entry(std::string path, std::string target);
ArchiveEntry hardlink_entry(std::string path, std::string target);

// Writes `entries` to `path` in `format` ("tar.gz", "tar.xz", "tar.bz2", "tar.zst", "tar.lz",
// "tar", "zip"). Throws std::runtime_error on a libarchive failure (test helper only).
void build_archive(const std::filesystem::path& path, const std::string& format,
                   const std::vector<ArchiveEntry>& entries);

// Same, returning the archive bytes.
std::string build_archive_bytes(const std::string& format, const std::vector<ArchiveEntry>& entries);

// SHA-256 of a file or of bytes, lowercase hex.
std::string sha256_file(const std::filesystem::path& path);
std::string sha256_hex(const std::string& bytes);

// A release of a fake tool for install tests: an archive holding <name>-<version>/bin/<name>,
// a shell script that prints "<name> <version>".
struct ToolRelease {
  std::string name, version, format, bytes, sha256;
  std::string file_name() const { return name + "-" + version + "." + format; }
};
ToolRelease make_tool_release(const std::string& name, const std::string& version, const std::string& format = "tar.gz",
                              std::vector<ArchiveEntry> extra = {});

// A format-5 plan (linux/amd64) that downloads `url`, checks the release's checksum and size,
// extracts it with strip_dirs 1, installs bin/<name> and verifies "<name> --version".
nlohmann::ordered_json make_tool_plan(const ToolRelease& release, const std::string& url);

}  // namespace tailor::test
