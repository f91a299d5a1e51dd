#pragma once
// The seam every detection read goes through: paths are absolute host paths ("/sys/...")
// resolved below a testing root (--sysroot) when one is set. Reads are small and bounded;
// nothing is ever written, mapped or executed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tailor::platform {

// A file opened read-only for positioned reads (the ELF reader).
class ReadOnlyFile {
 public:
  ReadOnlyFile() = default;
  explicit ReadOnlyFile(int fd, uint64_t size) : m_fd(fd), m_size(size) {}
  ReadOnlyFile(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile& operator=(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
  ~ReadOnlyFile();

  uint64_t size() const { return m_size; }
  // Reads exactly `length` bytes at `offset`; nullopt when the range lies outside the file.
  std::optional<std::string> read_at(uint64_t offset, uint64_t length) const;

 private:
  int m_fd = -1;
  uint64_t m_size = 0;
};

class HostFs {
 public:
  // `root` "" means the real filesystem.
  explicit HostFs(std::string root = "");

  const std::string& root() const { return m_root; }
  bool rooted() const { return !m_root.empty(); }
  // The real path of host path `path` (root prepended).
  std::string real_path(std::string_view path) const;

  // One read() of at most `limit` bytes; nullopt when missing or unreadable. Refuses the
  // PCI files that touch config space (config, rom, resource*, vpd, link speed/width).
  std::optional<std::string> read_small(std::string_view path, size_t limit = 64) const;
  // Whole file up to `limit` bytes (longer files are cut); nullopt when missing or unreadable.
  std::optional<std::string> read_text(std::string_view path, size_t limit = 1 << 20) const;
  std::optional<ReadOnlyFile> open(std::string_view path) const;
  // Entry names of a directory, sorted; empty when missing.
  std::vector<std::string> list_dir(std::string_view path) const;
  // Target of a symbolic link, not followed; nullopt when `path` is no link.
  std::optional<std::string> read_link(std::string_view path) const;
  // Follows symbolic links of the last component (absolute targets stay below the root).
  std::string resolve_links(std::string_view path) const;
  bool exists(std::string_view path) const;
  bool is_dir(std::string_view path) const;
  // Modification time in nanoseconds of the filesystem clock (links followed); nullopt when missing.
  std::optional<int64_t> mtime_ns(std::string_view path) const;
  // access(R_OK|W_OK) on an existing path.
  bool read_write_ok(std::string_view path) const;

  // Tests: every path opened for reading is appended here.
  void record_opened(std::vector<std::string>* sink) { m_opened = sink; }

 private:
  bool allowed(std::string_view path) const;
  void note(std::string_view path) const;

  std::string m_root;
  std::vector<std::string>* m_opened = nullptr;
};

// True for sysfs names that read PCI configuration space or otherwise touch the device.
bool is_forbidden_sysfs_name(std::string_view name);

}  // namespace tailor::platform
