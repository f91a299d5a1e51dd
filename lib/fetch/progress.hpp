#pragma once
// A one-line progress display for downloads on stderr, redrawn in place. Only used when
// stderr is a terminal and the run is not quiet (docs/downloads.md, "Parallel downloads and progress").
#include <chrono>
#include <cstdint>
#include <string>

namespace tailor::fetch {

class ProgressLine {
 public:
  // Draws only when `enabled` and stderr is a TTY.
  explicit ProgressLine(bool enabled);
  ~ProgressLine();
  bool active() const { return m_enabled; }
  // Redraws at most ten times a second.
  void update(std::size_t done, std::size_t count, uint64_t bytes, uint64_t total, const std::string& current);
  // Erases the line.
  void clear();

 private:
  bool m_enabled;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_started;
  std::chrono::steady_clock::time_point m_last{};
};

}  // namespace tailor::fetch
