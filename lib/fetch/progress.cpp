#include "fetch/progress.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace tailor::fetch {
namespace {

std::string mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

void print_line(const std::string& line) {
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace

std::string size_text(uint64_t bytes) {
  auto value = static_cast<double>(bytes);
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < (uint64_t{1} << 20)) return fmt::format("{:.1f} KiB", value / 1024);
  if (bytes < (uint64_t{1} << 30)) return fmt::format("{:.1f} MiB", value / (1 << 20));
  return fmt::format("{:.1f} GiB", value / (1 << 30));
}

ProgressLine::ProgressLine(bool enabled) : ProgressLine(enabled, ::isatty(STDERR_FILENO) == 1) {}

ProgressLine::ProgressLine(bool enabled, bool terminal)
    : m_enabled(enabled), m_terminal(terminal), m_started(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(std::size_t done, std::size_t count, uint64_t bytes, uint64_t total,
                          const std::string& current) {
  if (!m_enabled || !m_terminal) return;
  auto now = std::chrono::steady_clock::now();
  if (now - m_last < std::chrono::milliseconds(100)) return;
  m_last = now;
  double seconds = std::chrono::duration<double>(now - m_started).count();
  double rate = seconds > 0 ? static_cast<double>(bytes) / seconds : 0;
  std::string amount = total > 0 ? fmt::format("{} / {}", mib(bytes), mib(total)) : mib(bytes);
  int width = 24;
  int filled =
      total > 0 ? static_cast<int>(static_cast<double>(width) * static_cast<double>(bytes) / static_cast<double>(total))
                : 0;
  std::string bar = std::string(static_cast<std::size_t>(std::min(filled, width)), '#') +
                    std::string(static_cast<std::size_t>(width - std::min(filled, width)), '-');
  std::string line = fmt::format("\r[{}] {}/{} {} {}/s {}", bar, done, count, amount, mib(static_cast<uint64_t>(rate)),
                                 current.substr(0, 30));
  std::fprintf(stderr, "%s\x1b[K", line.c_str());
  std::fflush(stderr);
  m_drawn = true;
}

void ProgressLine::artifacts(const std::vector<ArtifactProgress>& artifacts) {
  if (!m_enabled || m_terminal) return;
  auto now = std::chrono::steady_clock::now();
  for (const ArtifactProgress& artifact : artifacts) {
    if (artifact.state != "downloading" && artifact.state != "done") continue;
    auto [it, inserted] = m_seen.try_emplace(artifact.url, Seen{now});
    Seen& seen = it->second;
    if (seen.finished) continue;
    if (artifact.state == "done") {
      seen.finished = true;
      // Only a download the log already showed gets its end said.
      if (seen.printed) {
        double seconds = std::chrono::duration<double>(now - seen.started).count();
        print_line(fmt::format("download {}: done, {} in {:.1f} s", artifact.name, size_text(artifact.bytes), seconds));
      }
      continue;
    }
    if (now - seen.started < k_progress_quiet_for) continue;
    int decile = artifact.total > 0 ? static_cast<int>(artifact.bytes * 10 / artifact.total) : -1;
    bool due = !seen.printed || now - seen.last_line >= k_progress_every ||
               (decile > seen.last_decile && now - seen.last_line >= std::chrono::seconds(1));
    if (!due) continue;
    seen.printed = true;
    seen.last_line = now;
    seen.last_decile = decile;
    if (artifact.total > 0) {
      print_line(fmt::format("download {}: {}% ({} of {})", artifact.name, artifact.bytes * 100 / artifact.total,
                             size_text(artifact.bytes), size_text(artifact.total)));
    } else {
      print_line(fmt::format("download {}: {}", artifact.name, size_text(artifact.bytes)));
    }
  }
}

void ProgressLine::clear() {
  if (!m_drawn) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  m_drawn = false;
}

}  // namespace tailor::fetch
