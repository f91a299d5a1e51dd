#include "install/operation_marker.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "install/safe_path.hpp"
#include "install/state.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

constexpr const char* k_dir = ".tailor";
constexpr const char* k_file = "operation.json";
constexpr int k_marker_version = 1;
constexpr size_t k_max_marker_size = size_t{64} * 1024;

// The directory itself is opened with O_NOFOLLOW: a symlink in its place is not a marked directory.
Result<DirFd> open_marked_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::failure, "cannot open directory {}: {}", dir.string(), std::strerror(errno));
  return DirFd(fd);
}

Status write_all(int fd, const std::string& text, const fs::path& dir) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorKind::install, "cannot write the marker of {}: {}", dir.string(), std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return {};
}

std::optional<OperationMarker> parse_marker(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || json.value("marker_version", 0) != k_marker_version) return std::nullopt;
  auto text_of = [&](const char* key) -> std::optional<std::string> {
    auto it = json.find(key);
    if (it == json.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto pid = json.find("pid");
  auto start = json.find("process_start");
  auto operation = text_of("operation");
  auto kind = text_of("kind");
  auto boot = text_of("boot_id");
  if (!operation || operation->empty() || !kind || !boot || pid == json.end() || !pid->is_number_integer() ||
      start == json.end() || !start->is_number_unsigned()) {
    return std::nullopt;
  }
  OperationMarker marker;
  marker.operation = *operation;
  marker.kind = *kind;
  marker.tool = text_of("tool").value_or("");
  marker.version = text_of("version").value_or("");
  marker.created_at = text_of("created_at").value_or("");
  marker.process = util::ProcessIdentity{pid->get<int64_t>(), start->get<uint64_t>(), *boot};
  return marker;
}

}  // namespace

fs::path marker_path(const fs::path& dir) { return dir / k_dir / k_file; }

const std::string& current_operation_id() {
  static const std::string k_id = [] {
    std::random_device device;
    std::string out;
    for (int i = 0; i < 4; ++i) out += fmt::format("{:08x}", device());
    return out;
  }();
  return k_id;
}

OperationMarker make_marker(std::string_view kind, const std::string& tool, const std::string& version) {
  static const std::optional<util::ProcessIdentity> k_self = util::current_process_identity();
  OperationMarker marker;
  marker.operation = current_operation_id();
  marker.kind = std::string(kind);
  marker.tool = tool;
  marker.version = version;
  marker.process = k_self.value_or(util::ProcessIdentity{static_cast<int64_t>(::getpid()), 0, ""});
  marker.created_at = now_rfc3339();
  return marker;
}

Status write_marker(const fs::path& dir, const OperationMarker& marker) {
  nlohmann::ordered_json json = {{"marker_version", k_marker_version},
                                 {"operation", marker.operation},
                                 {"kind", marker.kind},
                                 {"tool", marker.tool},
                                 {"version", marker.version},
                                 {"pid", marker.process.pid},
                                 {"process_start", marker.process.start_time},
                                 {"boot_id", marker.process.boot_id},
                                 {"created_at", marker.created_at}};
  auto root = open_marked_dir(dir);
  if (!root) return fail(ErrorKind::install, "{}", root.error().message);
  auto tailor_dir = open_dir_beneath(*root, {k_dir}, true);
  if (!tailor_dir) return fail(ErrorKind::install, "{}: {}", dir.string(), tailor_dir.error().message);
  const std::string temp = std::string(k_file) + ".tmp";
  ::unlinkat(tailor_dir->get(), temp.c_str(), 0);
  int fd = ::openat(tailor_dir->get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail(ErrorKind::install, "cannot create the marker of {}: {}", dir.string(), std::strerror(errno));
  }
  Status written = write_all(fd, json.dump(2) + "\n", dir);
  ::close(fd);
  if (written && ::renameat(tailor_dir->get(), temp.c_str(), tailor_dir->get(), k_file) != 0) {
    written = fail(ErrorKind::install, "cannot write the marker of {}: {}", dir.string(), std::strerror(errno));
  }
  if (!written) ::unlinkat(tailor_dir->get(), temp.c_str(), 0);
  return written;
}

void remove_marker(const fs::path& dir) {
  auto root = open_marked_dir(dir);
  if (!root) return;
  auto tailor_dir = open_dir_beneath(*root, {k_dir}, false);
  if (!tailor_dir) return;
  ::unlinkat(tailor_dir->get(), k_file, 0);
  ::unlinkat(tailor_dir->get(), (std::string(k_file) + ".tmp").c_str(), 0);
  ::unlinkat(root->get(), k_dir, AT_REMOVEDIR);  // fails, as it should, when other files are in it
}

MarkerCheck check_marker(const fs::path& dir) {
  auto root = open_marked_dir(dir);
  if (!root) return {};
  // No .tailor/ or no marker in it: unmarked. Anything else in their place (a symlink, a file
  // named .tailor) is an unreadable marker; nothing is followed.
  struct stat st {};
  if (::fstatat(root->get(), k_dir, &st, AT_SYMLINK_NOFOLLOW) != 0) return {};
  if (!S_ISDIR(st.st_mode)) return {MarkerStatus::unreadable, std::nullopt};
  if (::fstatat(root->get(), (std::string(k_dir) + "/" + k_file).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return {};
  auto fd = open_file_beneath(*root, {k_dir, k_file});
  if (!fd || !S_ISREG(st.st_mode)) {
    if (fd) ::close(*fd);
    return {MarkerStatus::unreadable, std::nullopt};
  }
  std::string text;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(*fd, buffer, sizeof buffer)) > 0 && text.size() < k_max_marker_size) {
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(*fd);
  auto marker = parse_marker(text);
  if (!marker) return {MarkerStatus::unreadable, std::nullopt};
  if (marker->operation == current_operation_id()) return {MarkerStatus::running, marker};
  switch (util::process_liveness(marker->process)) {
  case util::ProcessLiveness::alive: return {MarkerStatus::running, marker};
  case util::ProcessLiveness::dead: return {MarkerStatus::dead, marker};
  case util::ProcessLiveness::unknown: break;
  }
  return {MarkerStatus::unknown, marker};
}

std::string_view marker_status_name(MarkerStatus status) {
  switch (status) {
  case MarkerStatus::unmarked: return "unmarked";
  case MarkerStatus::unreadable: return "unreadable marker";
  case MarkerStatus::running: return "running";
  case MarkerStatus::dead: return "dead";
  case MarkerStatus::unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace tailor::install
