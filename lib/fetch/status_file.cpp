#include "fetch/status_file.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <optional>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.hpp"

namespace tailor::fetch {
namespace fs = std::filesystem;

namespace {

constexpr std::chrono::milliseconds k_throttle{250};

bool process_alive(long pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// True when `fd` is the file at `path` now.
bool still_in_place(int fd, const fs::path& path) {
  struct stat open_file {
  }, in_place{};
  return ::fstat(fd, &open_file) == 0 && ::lstat(path.c_str(), &in_place) == 0 && same_file(open_file, in_place);
}

std::string read_fd(int fd, std::size_t max_bytes) {
  std::string text;
  char buffer[8192];
  while (text.size() < max_bytes) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

struct StatusRead {
  nlohmann::ordered_json operation;  // discarded when the file is not JSON
  bool stale = false;
};

// Reads status.json and decides whether its writer still runs: a writer holds an exclusive
// flock on the file in place, so a lock this reader can take means the writer is gone. Where
// the file system has no flock, the recorded pid decides. A stale file is removed when
// `remove` is set, and only while it is still the file in place.
std::optional<StatusRead> read_status_file(const fs::path& file, bool remove) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    StatusRead read;
    read.operation = nlohmann::ordered_json::parse(read_fd(fd, 1 << 22), nullptr, false);
    bool unlocked = ::flock(fd, LOCK_SH | LOCK_NB) == 0;
    int lock_errno = errno;
    if (unlocked && !still_in_place(fd, file)) {  // replaced by a writer meanwhile: read the new one
      ::close(fd);
      continue;
    }
    if (unlocked) {
      read.stale = true;
    } else if (lock_errno != EWOULDBLOCK) {
      long pid = read.operation.is_object() ? read.operation.value("pid", 0L) : 0L;
      read.stale = !process_alive(pid);
    }
    if (read.stale && remove) ::unlink(file.c_str());
    ::close(fd);
    return read;
  }
  return std::nullopt;  // replaced three times in a row: a live writer
}

std::string human_bytes(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1 << 30));
  if (bytes >= (uint64_t{1} << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
  if (bytes >= 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{} B", bytes);
}

}  // namespace

std::string rfc3339(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string rfc3339_now() { return rfc3339(std::chrono::system_clock::now()); }

nlohmann::ordered_json to_json(const OperationStatus& status) {
  nlohmann::ordered_json artifacts = nlohmann::ordered_json::array();
  for (const auto& a : status.artifacts) {
    artifacts.push_back({{"name", a.name},
                         {"url", a.url},
                         {"host", a.host},
                         {"state", a.state},
                         {"bytes", a.bytes},
                         {"total", a.total}});
  }
  nlohmann::ordered_json cooldowns = nlohmann::ordered_json::array();
  for (const auto& c : status.cooldowns) cooldowns.push_back({{"host", c.host}, {"until", c.until}});
  return {{"pid", status.pid},
          {"command", status.command},
          {"phase", status.phase},
          {"started_at", status.started_at},
          {"updated_at", status.updated_at},
          {"artifacts", artifacts},
          {"cooldowns", cooldowns}};
}

fs::path status_file_path(const fs::path& home) { return home / "status.json"; }

StatusWriter::StatusWriter(const fs::path& home, std::string command) : m_file(status_file_path(home)) {
  m_status.pid = static_cast<long>(::getpid());
  m_status.command = std::move(command);
  m_status.phase = "fetch";
  m_status.started_at = rfc3339_now();
  std::error_code ec;
  fs::create_directories(home, ec);
  write();
}

StatusWriter::~StatusWriter() {
  if (m_fd < 0) return;
  if (still_in_place(m_fd, m_file)) ::unlink(m_file.c_str());
  ::close(m_fd);
}

void StatusWriter::set_phase(std::string phase) {
  m_status.phase = std::move(phase);
  write();
}

void StatusWriter::update(std::vector<ArtifactProgress> artifacts, std::vector<HostCooldown> cooldowns, bool force) {
  m_status.artifacts = std::move(artifacts);
  m_status.cooldowns = std::move(cooldowns);
  if (force || std::chrono::steady_clock::now() - m_last_write >= k_throttle) write();
}

void StatusWriter::write() {
  m_status.updated_at = rfc3339_now();
  m_last_write = std::chrono::steady_clock::now();
  // Status is best effort: a full disk must not fail the download it describes. The new file
  // is locked before it replaces the old one, and the old one's lock is dropped after, so the
  // file in place is locked for as long as this writer lives.
  std::string pattern = (m_file.parent_path() / ("." + m_file.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return;
  ::fchmod(fd, 0644);
  ::flock(fd, LOCK_EX | LOCK_NB);
  std::string text = to_json(m_status).dump(2) + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done != text.size() || ::rename(name.data(), m_file.c_str()) != 0) {
    ::unlink(name.data());
    ::close(fd);
    return;
  }
  if (m_fd >= 0) ::close(m_fd);
  m_fd = fd;
}

namespace {

// Temporary status files of writers killed before their rename: each is locked by its writer
// from creation, so one whose lock can be taken is dead. A writer that loses its temporary
// file in the instant before locking it only skips that status update.
void remove_dead_status_temps(const fs::path& home) {
  const std::string prefix = "." + status_file_path(home).filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(home, ec)) {
    if (!entry.path().filename().string().starts_with(prefix)) continue;
    int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) ::unlink(entry.path().c_str());
    ::close(fd);
  }
}

}  // namespace

bool remove_stale_status(const fs::path& home) {
  remove_dead_status_temps(home);
  auto read = read_status_file(status_file_path(home), true);
  return read && read->stale;
}

nlohmann::ordered_json read_status_report(const fs::path& home) {
  nlohmann::ordered_json report = {{"operation", nullptr}, {"lock_holder", nullptr}};
  remove_dead_status_temps(home);
  if (auto read = read_status_file(status_file_path(home), true); read && read->operation.is_object()) {
    read->operation["stale"] = read->stale;
    report["operation"] = std::move(read->operation);
  }
  if (auto holder = util::read_file(home / ".lock.holder", 1 << 16)) {
    auto parsed = nlohmann::ordered_json::parse(*holder, nullptr, false);
    if (parsed.is_discarded()) {
      std::string trimmed = *holder;
      while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
      report["lock_holder"] = trimmed;
    } else {
      report["lock_holder"] = std::move(parsed);
    }
  }
  return report;
}

std::string format_status_report(const nlohmann::ordered_json& report) {
  std::string out;
  const auto& operation = report["operation"];
  if (operation.is_null()) {
    out += "no operation in progress\n";
  } else {
    out += fmt::format("{}: {} (pid {}, phase {}, since {}){}\n", operation.value("stale", false) ? "stale" : "running",
                       operation.value("command", ""), operation.value("pid", 0L), operation.value("phase", ""),
                       operation.value("started_at", ""),
                       operation.value("stale", false) ? " - the process is gone; its status file was removed" : "");
    for (const auto& a : operation.value("artifacts", nlohmann::ordered_json::array())) {
      uint64_t bytes = a.value("bytes", uint64_t{0});
      uint64_t total = a.value("total", uint64_t{0});
      std::string amount =
          total > 0 ? fmt::format("{} / {} ({}%)", human_bytes(bytes), human_bytes(total), bytes * 100 / total)
                    : human_bytes(bytes);
      out += fmt::format("  {:<11} {}  {}  from {}\n", a.value("state", ""), a.value("name", ""), amount,
                         a.value("host", ""));
    }
    for (const auto& c : operation.value("cooldowns", nlohmann::ordered_json::array())) {
      out += fmt::format("  host {} busy until {}\n", c.value("host", ""), c.value("until", ""));
    }
  }
  const auto& holder = report["lock_holder"];
  if (holder.is_null()) {
    out += "lock: no holder recorded\n";
  } else if (holder.is_string()) {
    out += fmt::format("lock: held by {}\n", holder.get<std::string>());
  } else {
    out += fmt::format("lock: held by {}\n", holder.dump());
  }
  return out;
}

}  // namespace tailor::fetch
