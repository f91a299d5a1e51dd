#include "install/state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "util/fs.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

class StateLock {
 public:
  static Result<StateLock> take(const Layout& layout, int operation) {
    int fd = ::open(layout.state_lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return fail(ErrorKind::failure, "cannot open {}: {}", layout.state_lock().string(), std::strerror(errno));
    while (::flock(fd, operation) != 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return fail(ErrorKind::failure, "cannot lock {}: {}", layout.state_lock().string(), std::strerror(saved));
    }
    return StateLock(fd);
  }
  StateLock(StateLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;
  StateLock& operator=(StateLock&&) = delete;
  ~StateLock() {
    if (m_fd >= 0) ::close(m_fd);  // closing drops the flock
  }

 private:
  explicit StateLock(int fd) : m_fd(fd) {}
  int m_fd;
};

Result<State> load(const Layout& layout) {
  std::error_code ec;
  if (!fs::exists(layout.state_file(), ec)) return State{};
  auto text = util::read_file(layout.state_file(), 256ULL << 20);
  if (!text) return fail(text.error());
  json parsed = json::parse(*text, nullptr, false);
  if (parsed.is_discarded()) {
    return fail(ErrorKind::failure, "{} is not valid JSON; move it aside and reinstall your tools",
                layout.state_file().string());
  }
  return state_from_json(parsed, layout.state_file().string());
}

Status store(const Layout& layout, const State& state) {
  std::string text = state_to_json(state).dump(2) + "\n";
  fs::path tmp = layout.root / "state.json.tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(ErrorKind::failure, "cannot write {}: {}", tmp.string(), std::strerror(errno));
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      return fail(ErrorKind::failure, "cannot write {}: {}", tmp.string(), std::strerror(saved));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), layout.state_file().c_str()) != 0) {
    return fail(ErrorKind::failure, "cannot replace {}: {}", layout.state_file().string(), std::strerror(errno));
  }
  int dir = ::open(layout.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

template <typename T>
T get_or(const json& object, const char* key, T fallback) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  return it->get<T>();
}

}  // namespace

json state_to_json(const State& state) {
  json installed = json::object();
  for (const auto& [name, tool] : state.installed) {
    json versions = json::object();
    for (const auto& [version, v] : tool.versions) {
      versions[version] = {
          {"requested", v.requested},       {"binaries", v.binaries}, {"binary_checksums", v.binary_checksums},
          {"installed_at", v.installed_at}, {"plan", v.plan},         {"cleanup_actions", v.cleanup_actions}};
    }
    installed[name] = {{"active_version", tool.active_version},
                       {"previous_version", tool.previous_version},
                       {"is_explicit", tool.is_explicit},
                       {"is_hidden", tool.is_hidden},
                       {"required_by", tool.required_by},
                       {"install_dependencies", tool.install_dependencies},
                       {"runtime_dependencies", tool.runtime_dependencies},
                       {"source", tool.source},
                       {"recipe_hash", tool.recipe_hash},
                       {"versions", versions}};
  }
  return json{{"installed", installed}, {"libs", state.libs}};
}

Result<State> state_from_json(const json& root, const std::string& where) {
  try {
    State state;
    if (!root.is_object()) return fail(ErrorKind::failure, "{}: expected a JSON object", where);
    state.libs = get_or<json>(root, "libs", json::object());
    const json installed =
        root.contains("installed") && root["installed"].is_object() ? root["installed"] : json::object();
    for (const auto& [name, t] : installed.items()) {
      InstalledTool tool;
      tool.active_version = get_or<std::string>(t, "active_version", "");
      tool.previous_version = get_or<std::string>(t, "previous_version", "");
      tool.is_explicit = get_or<bool>(t, "is_explicit", false);
      tool.is_hidden = get_or<bool>(t, "is_hidden", false);
      tool.required_by = get_or<std::vector<std::string>>(t, "required_by", {});
      tool.install_dependencies = get_or<std::vector<std::string>>(t, "install_dependencies", {});
      tool.runtime_dependencies = get_or<std::vector<std::string>>(t, "runtime_dependencies", {});
      tool.source = get_or<std::string>(t, "source", "");
      tool.recipe_hash = get_or<std::string>(t, "recipe_hash", "");
      const json versions = t.contains("versions") && t["versions"].is_object() ? t["versions"] : json::object();
      for (const auto& [version, v] : versions.items()) {
        InstalledVersion iv;
        iv.requested = get_or<std::string>(v, "requested", "");
        iv.binaries = get_or<std::vector<std::string>>(v, "binaries", {});
        iv.binary_checksums = get_or<std::map<std::string, std::string>>(v, "binary_checksums", {});
        iv.installed_at = get_or<std::string>(v, "installed_at", "");
        iv.plan = get_or<json>(v, "plan", json::object());
        iv.cleanup_actions = get_or<std::vector<std::string>>(v, "cleanup_actions", {});
        tool.versions[version] = std::move(iv);
      }
      state.installed[name] = std::move(tool);
    }
    return state;
  } catch (const json::exception& e) {
    return fail(ErrorKind::failure, "{}: unexpected content: {}", where, e.what());
  }
}

Result<State> read_state(const Layout& layout) {
  std::error_code ec;
  if (!fs::exists(layout.root, ec)) return State{};
  auto lock = StateLock::take(layout, LOCK_SH);
  if (!lock) return fail(lock.error());
  return load(layout);
}

Status update_state(const Layout& layout, const std::function<Status(State&)>& change) {
  auto lock = StateLock::take(layout, LOCK_EX);
  if (!lock) return fail(lock.error());
  auto state = load(layout);
  if (!state) return fail(state.error());
  if (auto st = change(*state); !st) return st;
  return store(layout, *state);
}

std::string now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace tailor::install
