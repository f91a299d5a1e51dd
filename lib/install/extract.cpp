#include "install/extract.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <memory>
#include <set>

#include "config/environment.hpp"
#include "install/archive_api.hpp"
#include "install/safe_path.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

struct ReaderDeleter {
  void operator()(archive* a) const { archive_api().read_free(a); }
};

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// libarchive can fail without setting an error string; fmt refuses a null char*.
const char* error_text(archive* a) {
  const char* text = archive_api().error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

Status configure_reader(archive* a, const std::string& format) {
  int rc = ARCHIVE_OK;
  if (format == "zip")
    return archive_api().support_format_zip(a) == ARCHIVE_OK ? Status{}
                                                             : fail(ErrorKind::internal, "zip support missing");
  rc = archive_api().support_format_tar(a);
  if (format == "tar.gz")
    rc = archive_api().support_filter_gzip(a);
  else if (format == "tar.xz")
    rc = archive_api().support_filter_xz(a);
  else if (format == "tar.bz2")
    rc = archive_api().support_filter_bzip2(a);
  else if (format == "tar.zst")
    rc = archive_api().support_filter_zstd(a);
  else if (format == "tar.lz")
    rc = archive_api().support_filter_lzip(a);
  else if (format != "tar") {
    return fail(ErrorKind::invalid_input,
                "unknown archive format '{}' (expected tar.gz, tar.xz, tar.bz2, tar.zst, tar.lz, tar or zip)", format);
  }
  // ARCHIVE_WARN means "uses an external program"; acceptable, only failure matters.
  if (rc < ARCHIVE_WARN) return fail(ErrorKind::internal, "libarchive cannot read {}: {}", format, error_text(a));
  return {};
}

Result<uint64_t> parse_size(const char* text, const char* name) {
  std::string value = util::to_lower(util::trim(text));
  uint64_t factor = 1;
  for (auto [suffix, f] : {std::pair{"kib", 1ULL << 10}, std::pair{"mib", 1ULL << 20}, std::pair{"gib", 1ULL << 30}}) {
    if (value.size() > 3 && value.ends_with(suffix)) {
      factor = f;
      value.resize(value.size() - 3);
      break;
    }
  }
  char* end = nullptr;
  errno = 0;
  unsigned long long n = std::strtoull(value.c_str(), &end, 10);
  if (value.empty() || errno != 0 || end == nullptr || *end != '\0' || n == 0) {
    return fail(ErrorKind::usage, "invalid value '{}' for {}: expected a positive size such as 1048576 or 512MiB", text,
                name);
  }
  return static_cast<uint64_t>(n) * factor;
}

// Components of an entry after cleaning and strip_dirs; nullopt when stripped away.
Result<std::optional<std::vector<std::string>>> entry_path(const std::string& raw, int strip_dirs,
                                                           std::string_view what) {
  auto clean = clean_relative(raw, what);
  if (!clean) return fail(clean.error());
  if (clean->size() <= static_cast<size_t>(strip_dirs)) return std::optional<std::vector<std::string>>{};
  clean->erase(clean->begin(), clean->begin() + strip_dirs);
  return std::optional<std::vector<std::string>>(std::move(*clean));
}

// A symlink target must be relative; ".." may only lead the target and climb no higher than
// the link's own directory. Leading ".." walks back through real directories (extraction
// never descends through symlinks), and every later component descends, so a chain of
// links validated this way cannot leave the tree.
Status check_symlink_target(const std::vector<std::string>& link, const std::string& target, const std::string& name) {
  if (target.empty() || target.front() == '/') {
    return fail(ErrorKind::invalid_input,
                "archive entry {} is a symlink to an absolute or empty target '{}'; refusing it", name, target);
  }
  size_t depth = link.size() - 1;
  bool descending = false;
  for (const auto& part : util::split(target, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (descending || depth == 0) {
        return fail(ErrorKind::invalid_input, "archive entry {} is a symlink pointing outside the destination: {}",
                    name, target);
      }
      --depth;
    } else {
      descending = true;
    }
  }
  return {};
}

class Extractor {
 public:
  Extractor(archive* a, DirFd root, const ExtractOptions& options, std::string name)
      : m_archive(a), m_root(std::move(root)), m_options(options), m_name(std::move(name)) {}

  Result<ExtractReport> run() {
    const std::set<std::string> listed(m_options.files.begin(), m_options.files.end());
    std::set<std::string> wanted = listed;  // listed files not seen yet
    archive_entry* entry = nullptr;
    for (;;) {
      int rc = archive_api().read_next_header(m_archive, &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc < ARCHIVE_WARN)
        return fail(ErrorKind::invalid_input, "cannot read archive {}: {}", m_name, error_text(m_archive));
      if (++m_report.entries > m_options.limits.max_entries) {
        return fail(ErrorKind::invalid_input,
                    "archive {} has more than {} entries (the entry limit; raise it with TAILOR_MAX_EXTRACT_ENTRIES)",
                    m_name, m_options.limits.max_entries);
      }
      const char* raw_c = archive_api().entry_pathname(entry);
      std::string raw = raw_c != nullptr ? raw_c : "";
      if (raw.size() > m_options.limits.max_path_length) {
        return fail(ErrorKind::invalid_input,
                    "archive {}: an entry path is {} bytes long, over the path length limit of {} (raise it with "
                    "TAILOR_MAX_PATH_LENGTH)",
                    m_name, raw.size(), m_options.limits.max_path_length);
      }
      auto path = entry_path(raw, m_options.strip_dirs, "archive entry");
      if (!path) return fail(ErrorKind::invalid_input, "archive {}: {}", m_name, path.error().message);
      if (!*path) continue;
      std::string joined = join_path(**path);
      // Filter on the full list: once every listed file is found, the rest stays skipped.
      if (!listed.empty() && !listed.contains(joined)) continue;
      wanted.erase(joined);
      m_found.insert(joined);
      if (auto st = one(entry, **path, raw); !st) return fail(st.error());
      if (m_options.on_entry) m_options.on_entry(m_report.entries);
    }
    if (!m_options.files.empty() && !wanted.empty()) {
      return fail(ErrorKind::install, "archive {} has no file {} (listed in the extract step's files)", m_name,
                  *wanted.begin());
    }
    return m_report;
  }

 private:
  Status one(archive_entry* entry, const std::vector<std::string>& path, const std::string& raw) {
    if (const char* link = archive_api().entry_hardlink(entry); link != nullptr) return hardlink(path, link, raw);
    switch (archive_api().entry_filetype(entry)) {
    case AE_IFDIR: return open_dir_beneath(m_root, path, true).map([](DirFd&&) {});
    case AE_IFREG: return regular(entry, path);
    case AE_IFLNK:
      return symlink(path, archive_api().entry_symlink(entry) != nullptr ? archive_api().entry_symlink(entry) : "",
                     raw);
    default:
      m_report.notes.push_back(fmt::format("skipped {} (device files, FIFOs and sockets are never extracted)", raw));
      return {};
    }
  }

  Status charge(uint64_t bytes) {
    m_report.bytes += bytes;
    if (m_report.bytes > m_options.limits.max_total_bytes) {
      return fail(ErrorKind::invalid_input,
                  "archive {} unpacks to more than {} bytes (the extraction size limit network.max_extract_size; raise "
                  "it in config.toml or with TAILOR_MAX_EXTRACT_SIZE)",
                  m_name, m_options.limits.max_total_bytes);
    }
    return {};
  }

  Status regular(archive_entry* entry, const std::vector<std::string>& path) {
    if (archive_api().entry_size_is_set(entry) != 0 &&
        m_report.bytes + static_cast<uint64_t>(archive_api().entry_size(entry)) > m_options.limits.max_total_bytes) {
      return charge(static_cast<uint64_t>(archive_api().entry_size(entry)));
    }
    const util::ExecutableWrite writing;  // no child starts while the file is open (util/process.hpp)
    auto fd = create_file_beneath(m_root, path);
    if (!fd) return fail(fd.error());
    FdCloser closer{*fd};
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    off_t end = 0;
    for (;;) {
      int rc = archive_api().read_data_block(m_archive, &block, &size, &offset);
      if (rc == ARCHIVE_EOF) break;
      if (rc < ARCHIVE_WARN)
        return fail(ErrorKind::invalid_input, "cannot read {} from archive {}: {}", join_path(path), m_name,
                    error_text(m_archive));
      if (auto st = charge(size); !st) return st;
      const char* p = static_cast<const char*>(block);
      size_t left = size;
      off_t at = static_cast<off_t>(offset);
      while (left > 0) {
        ssize_t n = ::pwrite(*fd, p, left, at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(ErrorKind::failure, "cannot write {}: {}", join_path(path), std::strerror(errno));
        p += n;
        at += n;
        left -= static_cast<size_t>(n);
      }
      end = std::max(end, at);
    }
    if (archive_api().entry_size_is_set(entry) != 0 && archive_api().entry_size(entry) > end)
      ::ftruncate(*fd, static_cast<off_t>(archive_api().entry_size(entry)));
    // Permission bits only: setuid, setgid and sticky never survive extraction.
    ::fchmod(*fd, static_cast<mode_t>(archive_api().entry_perm(entry) & 0777));
    return {};
  }

  Status symlink(const std::vector<std::string>& path, const std::string& target, const std::string& raw) {
    if (auto st = check_symlink_target(path, target, raw); !st)
      return fail(ErrorKind::invalid_input, "archive {}: {}", m_name, st.error().message);
    auto dir = open_dir_beneath(m_root, {path.begin(), path.end() - 1}, true);
    if (!dir) return fail(dir.error());
    std::string temp = ".tailor-link-" + std::to_string(::getpid()) + "-" + std::to_string(m_report.entries);
    if (::symlinkat(target.c_str(), dir->get(), temp.c_str()) != 0) {
      return fail(ErrorKind::failure, "cannot create symlink {}: {}", join_path(path), std::strerror(errno));
    }
    if (::renameat(dir->get(), temp.c_str(), dir->get(), path.back().c_str()) != 0) {
      int saved = errno;
      ::unlinkat(dir->get(), temp.c_str(), 0);
      return fail(ErrorKind::failure, "cannot create symlink {}: {}", join_path(path), std::strerror(saved));
    }
    return {};
  }

  Status hardlink(const std::vector<std::string>& path, const std::string& target_raw, const std::string& raw) {
    auto target = entry_path(target_raw, m_options.strip_dirs, "hard link target");
    if (!target || !*target) {
      return fail(ErrorKind::invalid_input, "archive {}: hard link {} points outside the destination: {}", m_name, raw,
                  target_raw);
    }
    std::string joined = join_path(**target);
    if (!m_found.contains(joined)) {
      return fail(ErrorKind::invalid_input, "archive {}: hard link {} points to {}, which was not extracted before it",
                  m_name, raw, target_raw);
    }
    // In-tree hard links become copies: a link could tie the installed file to one that a
    // later step edits, and copies keep every file independent.
    auto in = open_file_beneath(m_root, **target);
    if (!in) return fail(in.error());
    FdCloser in_closer{*in};
    struct stat st {};
    ::fstat(*in, &st);
    if (!S_ISREG(st.st_mode))
      return fail(ErrorKind::invalid_input, "archive {}: hard link {} does not point to a regular file", m_name, raw);
    if (auto c = charge(static_cast<uint64_t>(st.st_size)); !c) return c;
    const util::ExecutableWrite writing;
    auto out = create_file_beneath(m_root, path);
    if (!out) return fail(out.error());
    FdCloser out_closer{*out};
    if (auto c = copy_fd(*in, *out, join_path(path)); !c) return c;
    ::fchmod(*out, st.st_mode & 0777);
    return {};
  }

  archive* m_archive;
  DirFd m_root;
  const ExtractOptions& m_options;
  std::string m_name;
  ExtractReport m_report;
  std::set<std::string> m_found;
};

}  // namespace

Result<ExtractLimits> extract_limits(const config::Config& config) {
  ExtractLimits limits;
  limits.max_total_bytes = config.size("network.max_extract_size");
  if (auto v = config::env_value(config::EnvVar::tailor_max_extract_entries); v && !v->empty()) {
    auto n = parse_size(v->c_str(), "TAILOR_MAX_EXTRACT_ENTRIES");
    if (!n) return fail(n.error());
    limits.max_entries = *n;
  }
  if (auto v = config::env_value(config::EnvVar::tailor_max_path_length); v && !v->empty()) {
    auto n = parse_size(v->c_str(), "TAILOR_MAX_PATH_LENGTH");
    if (!n) return fail(n.error());
    limits.max_path_length = static_cast<size_t>(*n);
  }
  return limits;
}

std::optional<std::string> archive_format_from_name(std::string_view name) {
  std::string lower = util::to_lower(name);
  static const std::pair<const char*, const char*> k_suffixes[] = {
      {".tar.gz", "tar.gz"},   {".tgz", "tar.gz"},    {".tar.xz", "tar.xz"}, {".txz", "tar.xz"},
      {".tar.bz2", "tar.bz2"}, {".tbz2", "tar.bz2"},  {".tbz", "tar.bz2"},   {".tar.zst", "tar.zst"},
      {".tzst", "tar.zst"},    {".tar.lz", "tar.lz"}, {".tlz", "tar.lz"},    {".tar", "tar"},
      {".zip", "zip"}};
  for (auto [suffix, format] : k_suffixes) {
    if (lower.ends_with(suffix)) return std::string(format);
  }
  return std::nullopt;
}

Result<ExtractReport> extract_archive(const fs::path& archive_path, const fs::path& dest,
                                      const ExtractOptions& options) {
  std::string format = options.format;
  if (format.empty() || format == "auto") {
    auto detected = archive_format_from_name(archive_path.filename().string());
    if (!detected)
      return fail(ErrorKind::invalid_input,
                  "cannot tell the archive format of {} from its name; set the extract step's format",
                  archive_path.filename().string());
    format = *detected;
  }
  std::unique_ptr<archive, ReaderDeleter> reader(archive_api().read_new());
  if (auto st = configure_reader(reader.get(), format); !st) return fail(st.error());
  if (archive_api().read_open_filename(reader.get(), archive_path.c_str(), 1 << 20) != ARCHIVE_OK) {
    return fail(ErrorKind::invalid_input, "cannot open archive {} as {}: {}", archive_path.string(), format,
                error_text(reader.get()));
  }
  auto root = open_root(dest.string());
  if (!root) return fail(root.error());
  Extractor extractor(reader.get(), std::move(*root), options, archive_path.filename().string());
  return extractor.run();
}

}  // namespace tailor::install
