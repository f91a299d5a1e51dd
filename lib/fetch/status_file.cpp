#include "fetch/status_file.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>

#include <fmt/format.h>
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
  std::error_code ec;
  fs::remove(m_file, ec);
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
  // Status is best effort: a full disk must not fail the download it describes.
  (void)util::write_file_atomic(m_file, to_json(m_status).dump(2) + "\n", 0644, util::Durability::best_effort);
}

nlohmann::ordered_json read_status_report(const fs::path& home) {
  nlohmann::ordered_json report = {{"operation", nullptr}, {"lock_holder", nullptr}};
  if (auto text = util::read_file(status_file_path(home), 1 << 22)) {
    auto parsed = nlohmann::ordered_json::parse(*text, nullptr, false);
    if (parsed.is_object()) {
      long pid = parsed.value("pid", 0L);
      parsed["stale"] = !process_alive(pid);
      report["operation"] = std::move(parsed);
    }
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
                       operation.value("stale", false) ? " - the process is gone; this file is left over" : "");
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
