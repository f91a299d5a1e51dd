#include "coord/lock.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "config/environment.hpp"
#include "config/values.hpp"
#include "coord/reservation.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"

namespace tailor::coord {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
namespace {

// Short enough that a waiter notices a killed holder well within 200 ms.
constexpr auto k_poll_interval = 20ms;

fs::path lock_path(const fs::path& home) { return home / ".lock"; }
fs::path holder_path(const fs::path& home) { return home / ".lock.holder"; }

std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (char& c : text) c = c == '\0' ? ' ' : c;
  return text.empty() ? "tailor" : text;
}

Status write_holder(const fs::path& home, const LockHolder& holder) {
  nlohmann::ordered_json json{
      {"pid", holder.pid}, {"user", holder.user}, {"command", holder.command}, {"started", holder.started}};
  // Advisory: after a crash the flock is gone and a stale holder file is recognised by its pid.
  return util::write_file_atomic(holder_path(home), json.dump() + "\n", 0644, util::Durability::best_effort);
}

std::string describe_wait(std::chrono::milliseconds timeout) {
  if (timeout.count() == 0) return "not waiting (--lock-timeout 0, the default when CI is set)";
  return "gave up after " + config::format_duration(timeout) + " (raise --lock-timeout to wait longer)";
}

}  // namespace

InstallLock::InstallLock(InstallLock&& other) noexcept
    : m_home(std::move(other.m_home)), m_fd(std::exchange(other.m_fd, -1)) {}

InstallLock& InstallLock::operator=(InstallLock&& other) noexcept {
  if (this != &other) {
    release();
    m_home = std::move(other.m_home);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

InstallLock::~InstallLock() { release(); }

void InstallLock::release() {
  if (m_fd < 0) return;
  // Remove the holder file while still holding the lock, so a holder file without a live
  // lock always means a holder that died.
  std::error_code ignored;
  fs::remove(holder_path(m_home), ignored);
  ::flock(m_fd, LOCK_UN);
  ::close(m_fd);
  m_fd = -1;
}

Result<InstallLock> acquire_install_lock(const LockRequest& request) {
  std::error_code ec;
  fs::create_directories(request.home, ec);
  if (ec) return fail(ErrorKind::failure, "cannot create {}: {}", request.home.string(), ec.message());
  const fs::path path = lock_path(request.home);
  // O_CLOEXEC: hooks and other children must not inherit (and so prolong) the lock.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(ErrorKind::failure, "cannot open the install lock {}: {}", path.string(), std::strerror(errno));

  const auto timeout = request.timeout.value_or(default_lock_timeout());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<int64_t> announced_pid;
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) break;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      int saved = errno;
      ::close(fd);
      return fail(ErrorKind::failure, "cannot lock {}: {}", path.string(), std::strerror(saved));
    }
    auto holder = read_lock_holder(request.home);
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return fail(ErrorKind::lock_busy, "the install lock {} is held by {}; {}", path.string(), describe_holder(holder),
                  describe_wait(timeout));
    }
    int64_t pid = holder ? holder->pid : 0;
    if (request.output != nullptr && announced_pid != pid) {
      request.output->info("waiting for another tailor process ({}) to release {} (up to {})", describe_holder(holder),
                           path.string(), config::format_duration(timeout));
      announced_pid = pid;
    }
    std::this_thread::sleep_for(k_poll_interval);
  }
  InstallLock lock(request.home, fd);

  if (auto stale = read_lock_holder(request.home); stale && request.output != nullptr) {
    request.output->warn("replacing a stale lock holder file {}: {} no longer holds the lock",
                         holder_path(request.home).string(), describe_holder(stale));
  }
  LockHolder me{static_cast<int64_t>(::getpid()), current_user(),
                request.command.empty() ? own_command_line() : request.command, format_rfc3339(now_unix_ms())};
  if (auto written = write_holder(request.home, me); !written) return fail(written.error());

  if (request.check_reservation) {
    std::string token = request.token;
    if (auto env = config::env_value(config::EnvVar::tailor_lock_token); token.empty() && env) token = *env;
    if (auto allowed = check_reservation(request.home, token); !allowed) return fail(allowed.error());
  }
  return lock;
}

Result<int> hold_install_lock(const LockRequest& request, std::chrono::milliseconds hold,
                              const std::vector<std::string>& argv) {
  auto lock = acquire_install_lock(request);
  if (!lock) return fail(lock.error());
  if (argv.empty()) {
    std::this_thread::sleep_for(hold);
    return 0;
  }
  // As execvp would: on PATH (its default without one), our stdin and outputs, a file without
  // #! run by /bin/sh, 127 when it cannot be run.
  util::ProcessOptions options;
  options.search_path = config::env_value(config::EnvVar::path).value_or("/bin:/usr/bin");
  options.input = util::ChildInput::inherit;
  options.output = util::ChildOutput::inherit;
  options.own_process_group = false;
  options.shell_fallback = true;
  auto run = util::run_process(argv, options);
  if (!run) return 127;
  if (run->signal != 0) return 128 + run->signal;
  return run->exit_code;
}

std::chrono::milliseconds default_lock_timeout() {
  auto ci = config::env_value(config::EnvVar::ci);
  return ci && !ci->empty() ? 0ms : std::chrono::milliseconds(60s);
}

Result<std::chrono::milliseconds> parse_lock_timeout(std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos && text.size() < 10) {
    return std::chrono::milliseconds(std::stoll(std::string(text)) * 1000);
  }
  if (auto duration = config::parse_duration(text)) return *duration;
  return fail(ErrorKind::usage,
              "invalid --lock-timeout '{}': expected seconds (e.g. 60) or a duration (500ms, 30s, 2m)", text);
}

std::optional<LockHolder> read_lock_holder(const fs::path& home) {
  auto text = util::read_file(holder_path(home), 1 << 16);
  if (!text) return std::nullopt;
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return LockHolder{json.value("pid", int64_t{0}), json.value("user", std::string()),
                    json.value("command", std::string()), json.value("started", std::string())};
}

bool install_lock_held(const fs::path& home) {
  int fd = ::open(lock_path(home).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

std::string describe_holder(const std::optional<LockHolder>& holder) {
  if (!holder) return "a process that has not written its holder file yet";
  return fmt::format("pid {} (user {}, '{}', since {})", holder->pid, holder->user, holder->command, holder->started);
}

int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_rfc3339(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string current_user() {
  if (const passwd* entry = ::getpwuid(::geteuid()); entry != nullptr && entry->pw_name != nullptr) {
    return entry->pw_name;
  }
  return config::env_value(config::EnvVar::user).value_or(std::to_string(::geteuid()));
}

}  // namespace tailor::coord
