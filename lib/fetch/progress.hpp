#pragma once
// Download progress on stderr, unless the run is quiet or prints JSON (docs/downloads.md,
// "Parallel downloads and progress"). On a terminal: one line, redrawn in place. Elsewhere
// (a pipe, a CI log): plain lines for long downloads only, so logs show that work goes on.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fetch/status_file.hpp"

namespace tailor::fetch {

// A download is "long" once it has run this long; shorter ones print nothing off a terminal.
constexpr std::chrono::seconds k_progress_quiet_for{2};
// Off a terminal, a long download prints a line every this often, and at every 10 %.
constexpr std::chrono::seconds k_progress_every{5};

class ProgressLine {
 public:
  // Shows progress only when `enabled`; as a redrawn line when stderr is a TTY.
  explicit ProgressLine(bool enabled);
  ProgressLine(bool enabled, bool terminal);
  ~ProgressLine();
  bool active() const { return m_enabled; }
  // Redraws the terminal line at most ten times a second.
  void update(std::size_t done, std::size_t count, uint64_t bytes, uint64_t total, const std::string& current);
  // Off a terminal: prints `download NAME: 45% (12.3 MiB of 27.1 MiB)` for each long download
  // that reached another 10 % or has been silent for k_progress_every, and `done` lines.
  void artifacts(const std::vector<ArtifactProgress>& artifacts);
  // Erases the line.
  void clear();

 private:
  struct Seen {
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point last_line{};
    int last_decile = -1;
    bool printed = false;
    bool finished = false;
  };
  bool m_enabled;
  bool m_terminal;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_started;
  std::chrono::steady_clock::time_point m_last{};
  std::map<std::string, Seen> m_seen;  // by URL
};

// "812 B", "12.0 KiB", "12.3 MiB", "1.2 GiB".
std::string size_text(uint64_t bytes);

}  // namespace tailor::fetch
