#include "install/home_problems.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "install/operation_marker.hpp"
#include "install/receipt.hpp"
#include "install/state.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

// A directory some tailor operation marked: nullopt when that operation still runs (not a
// problem), else the problem. `state_known`: state.json exists and reads, so recovery acts on
// version directories.
std::optional<HomeProblem> marked_problem(const fs::path& path, const MarkerCheck& check, bool dot, bool state_known) {
  const int64_t pid = check.marker ? check.marker->process.pid : 0;
  switch (check.status) {
  case MarkerStatus::running: return std::nullopt;
  case MarkerStatus::dead:
    if (dot || state_known) {
      return HomeProblem{path, "interrupted",
                         fmt::format("left by a tailor operation that did not finish (process {}); the next "
                                     "install or remove cleans it up",
                                     pid)};
    }
    return HomeProblem{path, "interrupted",
                       fmt::format("left by an install that did not finish (process {}); state.json is missing, so "
                                   "tailor keeps it until an install of that version replaces it",
                                   pid)};
  case MarkerStatus::unknown:
    return HomeProblem{path, "leftover",
                       fmt::format("made by tailor process {}, which tailor cannot tell is still running; tailor "
                                   "leaves it alone: delete it when no tailor runs",
                                   pid)};
  case MarkerStatus::unreadable:
    return HomeProblem{path, "leftover",
                       "its operation marker (.tailor/operation.json) cannot be read; tailor leaves it alone: "
                       "delete it by hand if you do not need it"};
  case MarkerStatus::unmarked: break;
  }
  return std::nullopt;
}

void check_tools(const Layout& layout, const std::optional<State>& state, std::vector<HomeProblem>& out) {
  std::set<fs::path> recorded;
  if (state) {
    for (const auto& [name, tool] : state->installed) {
      for (const auto& [version, unused] : tool.versions) recorded.insert(layout.tool_dir(name, version));
    }
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.tools(), ec)) {
    const fs::path& path = entry.path();
    const std::string name = path.filename().string();
    const bool dot = name.starts_with(".");
    auto status = fs::symlink_status(path, ec);
    if (fs::is_symlink(status)) {
      out.push_back({path, "symlink",
                     "a symlink tailor did not create; tailor never deletes anything through it (`rm` removes only "
                     "the link)"});
      continue;
    }
    if (!fs::is_directory(status)) {
      out.push_back({path, "unrecorded", "not a directory tailor made; tailor leaves it alone"});
      continue;
    }
    if (!dot && recorded.contains(path)) continue;  // installed (a stale marker goes at the next install)
    if (!dot && name.ends_with(".failed")) {
      out.push_back({path, "kept-failed",
                     "a build that failed verify, kept by `install --keep-failed`; delete it "
                     "when you are done with it"});
      continue;
    }
    MarkerCheck check = check_marker(path);
    if (check.status != MarkerStatus::unmarked) {
      if (auto problem = marked_problem(path, check, dot, state.has_value())) out.push_back(std::move(*problem));
      continue;
    }
    if (dot) {
      out.push_back({path, "leftover",
                     "no tailor operation marked it (made by hand, or left by a tailor older than operation "
                     "markers); tailor leaves it alone: delete it by hand if you do not need it"});
    } else if (fs::exists(receipt_path(path), ec)) {
      out.push_back({path, "unrecorded",
                     "state.json does not record it, but it has an install receipt; tailor leaves it alone "
                     "(`tailor state rebuild --force` records what the receipts say)"});
    } else {
      out.push_back({path, "unrecorded",
                     "state.json does not record it and no tailor operation marked it; tailor leaves it alone"});
    }
  }
  if (!state) return;
  for (const auto& [name, tool] : state->installed) {
    for (const auto& [version, unused] : tool.versions) {
      fs::path dir = layout.tool_dir(name, version);
      if (!fs::exists(fs::symlink_status(dir, ec))) {
        out.push_back({dir, "missing",
                       fmt::format("state.json records {}@{} but its directory is missing; install it again with "
                                   "--reinstall, or `tailor remove {}@{}`",
                                   name, version, name, version)});
      }
    }
  }
}

}  // namespace

std::vector<HomeProblem> find_home_problems(const Layout& layout) {
  std::vector<HomeProblem> out;
  std::error_code ec;
  for (const auto& dir : {layout.tools(), layout.bin(), layout.tmp()}) {
    auto status = fs::symlink_status(dir, ec);
    if (fs::is_symlink(status)) {
      out.push_back({dir, "symlink",
                     fmt::format("a symlink (to {}); install and remove refuse to run until it is a directory: "
                                 "replace it with one, or point TAILOR_HOME (or a symlink in its place) at the other "
                                 "disk",
                                 fs::read_symlink(dir, ec).string())});
    } else if (fs::exists(status) && !fs::is_directory(status)) {
      out.push_back({dir, "not-directory", "not a directory; install and remove refuse to run until it is one"});
    }
  }
  std::optional<State> state;
  if (fs::exists(layout.state_file(), ec)) {
    auto read = read_state(layout);
    if (read) {
      state = std::move(*read);
    } else {
      out.push_back({layout.state_file(), "state", read.error().message});
    }
  }
  // Nothing is said about tools/ through a symlink, nor about its version directories while
  // state.json cannot be read (every one would look unrecorded).
  if (fs::is_directory(fs::symlink_status(layout.tools(), ec)) && (state || !fs::exists(layout.state_file(), ec))) {
    check_tools(layout, state, out);
  }
  std::sort(out.begin(), out.end(), [](const HomeProblem& a, const HomeProblem& b) { return a.path < b.path; });
  return out;
}

nlohmann::ordered_json problems_to_json(const std::vector<HomeProblem>& problems) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& problem : problems) {
    list.push_back({{"path", problem.path.string()}, {"kind", problem.kind}, {"message", problem.message}});
  }
  return {{"problems", list}};
}

}  // namespace tailor::install
