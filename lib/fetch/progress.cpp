#include "fetch/progress.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace tailor::fetch {
namespace {

std::string mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

}  // namespace

ProgressLine::ProgressLine(bool enabled)
    : m_enabled(enabled && ::isatty(STDERR_FILENO) == 1), m_started(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(std::size_t done, std::size_t count, uint64_t bytes, uint64_t total,
                          const std::string& current) {
  if (!m_enabled) return;
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

void ProgressLine::clear() {
  if (!m_drawn) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  m_drawn = false;
}

}  // namespace tailor::fetch
