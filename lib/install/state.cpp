#include "install/state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>

#include <fmt/format.h>

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

// The ways out of a state that cannot be read; nothing was changed when this is printed.
std::string recovery_hint(const Layout& layout) {
  std::error_code ec;
  std::string hint = "\ntailor changed nothing. ";
  if (fs::exists(layout.state_prev(), ec)) {
    hint += fmt::format("Put back the last good copy with `cp {} {}`, or rebuild", layout.state_prev().string(),
                        layout.state_file().string());
  } else {
    hint += "Rebuild";
  }
  return hint + " it from the install receipts with `tailor state rebuild`.";
}

// state.json as read: the checked state and, when the file exists, its bytes.
struct Loaded {
  State state;
  std::optional<std::string> text;
};

// The state this process wrote last. A project install commits its tools one after another;
// each commit reads state.json under the exclusive lock, and when the file still holds the
// bytes this process wrote, it is that state: parsing and checking them again would cost a
// pass over every plan the file records, once per tool (docs/install.md, "Several tools at
// once").
class LastWritten {
 public:
  std::optional<State> find(const fs::path& file, const std::string& text) const;
  void remember(const fs::path& file, const State& state, const std::string& text);

 private:
  mutable std::mutex m_mutex;
  fs::path m_file;
  State m_state;
  std::string m_text;
};

LastWritten& last_written() {
  static LastWritten instance;
  return instance;
}

std::optional<State> LastWritten::find(const fs::path& file, const std::string& text) const {
  std::lock_guard guard(m_mutex);
  if (m_file != file || m_text != text) return std::nullopt;
  return m_state;
}

void LastWritten::remember(const fs::path& file, const State& state, const std::string& text) {
  std::lock_guard guard(m_mutex);
  m_file = file;
  m_state = state;
  m_text = text;
}

Result<Loaded> load(const Layout& layout) {
  std::error_code ec;
  if (!fs::exists(layout.state_file(), ec)) return Loaded{};
  auto text = util::read_file(layout.state_file(), 256ULL << 20);
  if (!text) return fail(text.error());
  if (auto known = last_written().find(layout.state_file(), *text)) return Loaded{std::move(*known), std::move(*text)};
  json parsed = json::parse(*text, nullptr, false);
  if (parsed.is_discarded()) {
    return fail(ErrorKind::invalid_input, "{}: not valid JSON{}", layout.state_file().string(), recovery_hint(layout));
  }
  auto state = state_from_json(parsed, layout.state_file().string());
  if (!state) return fail(ErrorKind::invalid_input, "{}{}", state.error().message, recovery_hint(layout));
  return Loaded{std::move(*state), std::move(*text)};
}

// Writes `text` to `tmp`; store() flushes it.
Status write_whole(const fs::path& tmp, const std::string& text) {
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
  if (::close(fd) != 0) return fail(ErrorKind::failure, "cannot write {}: {}", tmp.string(), std::strerror(errno));
  return {};
}

// Puts the file at state.json, whose bytes are `kept`, in place as `kept_as` too: a second
// name for the same file where the file system has hard links, else a copy.
Status keep_current(const Layout& layout, const std::string& kept, const fs::path& kept_as) {
  fs::path kept_tmp = kept_as;
  kept_tmp += ".tmp";
  ::unlink(kept_tmp.c_str());
  if (::link(layout.state_file().c_str(), kept_tmp.c_str()) != 0) {
    if (auto st = write_whole(kept_tmp, kept); !st) return st;
  }
  if (::rename(kept_tmp.c_str(), kept_as.c_str()) != 0) {
    return fail(ErrorKind::failure, "cannot replace {}: {}", kept_as.string(), std::strerror(errno));
  }
  return {};
}

// Writes `state`. The file it replaces (whose bytes are `kept`) is first kept as `kept_as`,
// so a good copy of the state exists at every moment. One flush of the file system before
// the last rename puts the new state and the kept one on disk, and with them every change the
// new state records (a build moved into tools/, its receipt): the commit never names what a
// power loss could take back (docs/install.md, "On disk before the commit").
Status store(const Layout& layout, const State& state, const std::optional<std::string>& kept,
             const fs::path& kept_as) {
  std::string text = state_to_json(state).dump(2) + "\n";
  fs::path tmp = layout.root / "state.json.tmp";
  if (auto st = write_whole(tmp, text); !st) return st;
  if (kept) {
    if (auto st = keep_current(layout, *kept, kept_as); !st) return st;
  }
  if (auto st = util::sync_file_system(layout.root); !st) return st;
  if (::rename(tmp.c_str(), layout.state_file().c_str()) != 0) {
    return fail(ErrorKind::failure, "cannot replace {}: {}", layout.state_file().string(), std::strerror(errno));
  }
  last_written().remember(layout.state_file(), state, text);
  return util::sync_directory(layout.root);
}

}  // namespace

Result<State> read_state(const Layout& layout) {
  std::error_code ec;
  if (!fs::exists(layout.root, ec)) return State{};
  auto lock = StateLock::take(layout, LOCK_SH);
  if (!lock) return fail(lock.error());
  auto loaded = load(layout);
  if (!loaded) return fail(loaded.error());
  return std::move(loaded->state);
}

Status update_state(const Layout& layout, const std::function<Status(State&)>& change) {
  auto lock = StateLock::take(layout, LOCK_EX);
  if (!lock) return fail(lock.error());
  auto loaded = load(layout);
  if (!loaded) return fail(loaded.error());
  if (auto st = change(loaded->state); !st) return st;
  return store(layout, loaded->state, loaded->text, layout.state_prev());
}

Result<ReplacedState> replace_state(const Layout& layout, const State& state) {
  auto lock = StateLock::take(layout, LOCK_EX);
  if (!lock) return fail(lock.error());
  std::error_code ec;
  if (!fs::exists(layout.state_file(), ec)) {
    if (auto st = store(layout, state, std::nullopt, {}); !st) return fail(st.error());
    return ReplacedState::none;
  }
  if (auto loaded = load(layout); loaded) {
    if (auto st = store(layout, state, loaded->text, layout.state_prev()); !st) return fail(st.error());
    return ReplacedState::prev;
  }
  // Kept byte for byte for whoever wants to look at it; state.json.prev stays the last good copy.
  auto damaged = util::read_file(layout.state_file(), 256ULL << 20);
  if (!damaged) return fail(damaged.error());
  if (auto st = store(layout, state, *damaged, layout.state_damaged()); !st) return fail(st.error());
  return ReplacedState::damaged;
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
