#include "support/archive_builder.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

namespace tailor::test {
namespace {

struct WriterDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

void check(archive* a, int rc, const char* what) {
  if (rc < ARCHIVE_WARN) {
    throw std::runtime_error(std::string("archive_builder: ") + what + ": " + archive_error_string(a));
  }
}

void configure(archive* a, const std::string& format) {
  if (format == "zip") {
    check(a, archive_write_set_format_zip(a), "zip format");
    return;
  }
  check(a, archive_write_set_format_pax_restricted(a), "tar format");
  if (format == "tar") return;
  if (format == "tar.gz")
    check(a, archive_write_add_filter_gzip(a), "gzip");
  else if (format == "tar.xz")
    check(a, archive_write_add_filter_xz(a), "xz");
  else if (format == "tar.bz2")
    check(a, archive_write_add_filter_bzip2(a), "bzip2");
  else if (format == "tar.zst")
    check(a, archive_write_add_filter_zstd(a), "zstd");
  else if (format == "tar.lz")
    check(a, archive_write_add_filter_lzip(a), "lzip");
  else
    throw std::runtime_error("archive_builder: unknown format " + format);
}

unsigned type_bits(EntryType type) {
  switch (type) {
  case EntryType::file: return AE_IFREG;
  case EntryType::directory: return AE_IFDIR;
  case EntryType::symlink: return AE_IFLNK;
  case EntryType::hardlink: return AE_IFREG;
  case EntryType::char_device: return AE_IFCHR;
  case EntryType::block_device: return AE_IFBLK;
  case EntryType::fifo: return AE_IFIFO;
  }
  return AE_IFREG;
}

void write_entry(archive* a, const ArchiveEntry& item) {
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry* e = entry.get();
  archive_entry_copy_pathname(e, item.path.c_str());
  archive_entry_set_filetype(e, type_bits(item.type));
  archive_entry_set_perm(e, static_cast<mode_t>(item.mode));
  archive_entry_set_mtime(e, 1700000000, 0);
  unsigned long long size = 0;
  if (item.type == EntryType::file) size = item.size > item.content.size() ? item.size : item.content.size();
  if (item.type == EntryType::symlink) archive_entry_copy_symlink(e, item.target.c_str());
  if (item.type == EntryType::hardlink) archive_entry_copy_hardlink(e, item.target.c_str());
  if (item.type == EntryType::char_device || item.type == EntryType::block_device) {
    archive_entry_set_rdev(e, makedev(1, 3));
  }
  archive_entry_set_size(e, static_cast<la_int64_t>(size));
  check(a, archive_write_header(a, e), "header");
  if (size == 0) return;
  if (!item.content.empty()) {
    la_ssize_t n = archive_write_data(a, item.content.data(), item.content.size());
    if (n < 0) check(a, static_cast<int>(n), "data");
  }
  static const std::array<char, 65536> zeros{};
  unsigned long long left = size - item.content.size();
  while (left > 0) {
    size_t chunk = left < zeros.size() ? static_cast<size_t>(left) : zeros.size();
    la_ssize_t n = archive_write_data(a, zeros.data(), chunk);
    if (n < 0) check(a, static_cast<int>(n), "data");
    left -= chunk;
  }
}

}  // namespace

ArchiveEntry file_entry(std::string path, std::string content, unsigned mode) {
  return ArchiveEntry{std::move(path), EntryType::file, std::move(content), mode, {}, 0};
}
ArchiveEntry dir_entry(std::string path, unsigned mode) {
  return ArchiveEntry{std::move(path), EntryType::directory, {}, mode, {}, 0};
}
ArchiveEntry symlink_entry(std::string path, std::string target) {
  return ArchiveEntry{std::move(path), EntryType::symlink, {}, 0777, std::move(target), 0};
}
ArchiveEntry hardlink_entry(std::string path, std::string target) {
  return ArchiveEntry{std::move(path), EntryType::hardlink, {}, 0644, std::move(target), 0};
}

void build_archive(const std::filesystem::path& path, const std::string& format,
                   const std::vector<ArchiveEntry>& entries) {
  std::unique_ptr<archive, WriterDeleter> writer(archive_write_new());
  archive* a = writer.get();
  configure(a, format);
  check(a, archive_write_open_filename(a, path.c_str()), "open");
  for (const auto& item : entries) write_entry(a, item);
  check(a, archive_write_close(a), "close");
}

std::string build_archive_bytes(const std::string& format, const std::vector<ArchiveEntry>& entries) {
  auto dir = std::filesystem::temp_directory_path();
  auto path = dir / ("tailor-archive-" + std::to_string(::getpid()) + "." + format);
  build_archive(path, format, entries);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  return bytes;
}

std::string sha256_hex(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return sha256_hex(bytes);
}

ToolRelease make_tool_release(const std::string& name, const std::string& version, const std::string& format,
                              std::vector<ArchiveEntry> extra) {
  std::string top = name + "-" + version + "/";
  std::vector<ArchiveEntry> entries = {
      dir_entry(top), dir_entry(top + "bin/"),
      file_entry(top + "bin/" + name, "#!/bin/sh\necho \"" + name + " " + version + "\"\n", 0755)};
  for (auto& e : extra) entries.push_back(std::move(e));
  ToolRelease release{name, version, format, build_archive_bytes(format, entries), ""};
  release.sha256 = sha256_hex(release.bytes);
  return release;
}

nlohmann::ordered_json make_tool_plan(const ToolRelease& release, const std::string& url) {
  using nlohmann::ordered_json;
  ordered_json download = {
      {"action", "download_file"},
      {"params",
       {{"checksum", release.sha256}, {"checksum_algo", "sha256"}, {"dest", release.file_name()}, {"url", url}}},
      {"evaluable", true},
      {"deterministic", true},
      {"url", url},
      {"checksum", release.sha256},
      {"size", release.bytes.size()}};
  ordered_json extract = {{"action", "extract"},
                          {"params", {{"archive", release.file_name()}, {"format", release.format}, {"strip_dirs", 1}}},
                          {"evaluable", true},
                          {"deterministic", true}};
  ordered_json binaries = {{"action", "install_binaries"},
                           {"params", {{"binaries", {"bin/" + release.name}}, {"install_mode", "binaries"}}},
                           {"evaluable", true},
                           {"deterministic", true}};
  return ordered_json{{"format_version", 5},
                      {"tool", release.name},
                      {"version", release.version},
                      {"platform", {{"os", "linux"}, {"arch", "amd64"}}},
                      {"deterministic", true},
                      {"steps", {download, extract, binaries}},
                      {"verify", {{"command", release.name + " --version"}, {"pattern", release.name + " {version}"}}}};
}

}  // namespace tailor::test
