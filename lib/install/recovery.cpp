#include "install/recovery.hpp"

#include <optional>
#include <set>

#include "install/link_owners.hpp"
#include "install/links.hpp"
#include "install/operation_marker.hpp"
#include "install/state.hpp"
#include "util/fs.hpp"

namespace tailor::install {
namespace fs = std::filesystem;

namespace {

// state.json when it exists and reads; without it recovery decides nothing by it.
std::optional<State> recorded_state(const Layout& layout) {
  std::error_code ec;
  if (!fs::exists(layout.state_file(), ec)) return std::nullopt;
  auto state = read_state(layout);
  if (!state) return std::nullopt;
  return std::move(*state);
}

// The entries of `dir`, read before any of them is renamed or deleted.
std::vector<fs::path> entries_of(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) out.push_back(entry.path());
  return out;
}

bool remove_entry(const Layout& layout, const fs::path& path, const util::Output& output) {
  if (auto removed = remove_in_home(layout, path); !removed) {
    output.warn("{}", removed.error().message);
    return false;
  }
  return true;
}

// A marked directory of a dead operation; anything else is left alone (and said so with -v).
bool left_by_dead_operation(const fs::path& path, const util::Output& output) {
  MarkerCheck check = check_marker(path);
  if (check.status == MarkerStatus::dead) return true;
  output.debug("left {} alone ({})", path.string(), marker_status_name(check.status));
  return false;
}

// The backend named by a build directory's .tailor/receipt.json; "" when it has none.
std::string receipt_backend(const fs::path& dir) {
  std::error_code ec;
  fs::path file = dir / ".tailor" / "receipt.json";
  if (!fs::is_regular_file(file, ec)) return "";
  auto text = util::read_file(file);
  if (!text) return "";
  auto receipt = nlohmann::json::parse(*text, nullptr, false);
  if (!receipt.is_object() || !receipt.contains("backend") || !receipt["backend"].is_string()) return "";
  return receipt["backend"].get<std::string>();
}

// A backend switch marks both builds, exchanges the live directory with the verified new build
// and then writes state.json. Dying in between leaves the new build live and the committed one
// beside it (as .staging or .previous): the build whose receipt names the backend state.json
// records for that version goes back in place, so state, directory and links agree again.
// Both must carry the marker of the same dead operation.
void restore_committed_builds(const Layout& layout, const State& state, const util::Output& output) {
  std::error_code ec;
  for (const auto& [name, tool] : state.installed) {
    for (const auto& [version, record] : tool.versions) {
      auto platform = record.plan.find("platform");
      if (platform == record.plan.end() || !platform->is_object() || !platform->contains("backend")) continue;
      if (!(*platform)["backend"].is_string()) continue;
      const std::string wanted = (*platform)["backend"].get<std::string>();
      const fs::path live = layout.tool_dir(name, version);
      const fs::path previous = layout.previous_dir(name, version);
      const fs::path staging = layout.staging_dir(name, version);
      if (!fs::exists(previous, ec) && !fs::exists(staging, ec)) continue;
      const std::string live_backend = receipt_backend(live);
      if (live_backend.empty() || live_backend == wanted) continue;
      const fs::path committed = receipt_backend(previous) == wanted ? previous : staging;
      if (receipt_backend(committed) != wanted) continue;
      if (!left_by_dead_operation(live, output) || !left_by_dead_operation(committed, output)) continue;
      if (committed == staging) {
        // As .previous it survives a crash during the steps below (restored when live is missing).
        if (fs::exists(fs::symlink_status(previous, ec))) {
          if (!left_by_dead_operation(previous, output) || !remove_entry(layout, previous, output)) continue;
        }
        fs::rename(staging, previous, ec);
        if (ec) continue;
      }
      auto trash = util::make_temp_dir(layout.tmp(), "switch-");
      if (!trash) continue;
      fs::rename(live, *trash / "dir", ec);
      if (ec) continue;
      fs::rename(previous, live, ec);
      remove_marker(live);
      remove_entry(layout, *trash, output);
      output.info("restored the {} build of {}@{} after an interrupted backend switch", wanted, name, version);
    }
  }
}

// tools/.<name>-<version>.staging and .previous of dead operations.
void clean_staged(const Layout& layout, const util::Output& output) {
  std::error_code ec;
  for (const auto& path : entries_of(layout.tools())) {
    std::string name = path.filename().string();
    if (name.size() < 2 || name.front() != '.') continue;
    const bool staging = name.ends_with(".staging");
    const bool previous = name.ends_with(".previous");
    if ((!staging && !previous) || !left_by_dead_operation(path, output)) continue;
    if (staging) {
      if (remove_entry(layout, path, output)) output.info("cleaned up an interrupted install ({})", name);
      continue;
    }
    fs::path live = layout.tools() / name.substr(1, name.size() - 1 - std::string(".previous").size());
    if (!fs::exists(fs::symlink_status(live, ec))) {
      fs::rename(path, live, ec);
      if (ec) continue;
      remove_marker(live);  // the directory was unmarked before the install moved it aside
      output.info("restored {} after an interrupted reinstall", live.filename().string());
    } else {
      remove_entry(layout, path, output);
    }
  }
}

// bin/ links into a directory recovery deleted: back to the command's owner in the state
// (docs/user-guide.md, "Install, list, remove"), else gone.
void relink_into_removed(const Layout& layout, const State& state, const std::set<fs::path>& removed) {
  std::error_code ec;
  std::vector<std::string> freed;
  for (const auto& link : entries_of(layout.bin())) {
    if (!fs::is_symlink(fs::symlink_status(link, ec))) continue;
    auto rel = fs::read_symlink(link, ec).lexically_relative(layout.tools());
    if (rel.empty() || !removed.contains(layout.tools() / *rel.begin())) continue;
    fs::remove(link, ec);
    freed.push_back(link.filename().string());
  }
  (void)relink_to_owners(layout, state, freed);
}

// state.json is the commit record: a marked version directory it does not list was moved into
// place by an install that died before committing (or is one a remove that died after its
// commit had still to delete), and is deleted; one it lists lost its marker
// to a crash right after the commit, and the marker goes. Unmarked directories are not
// tailor's: they stay, whether state.json lists them or not.
void reconcile_with_state(const Layout& layout, const State& state, const util::Output& output) {
  std::error_code ec;
  std::set<fs::path> recorded;
  for (const auto& [name, tool] : state.installed) {
    for (const auto& [version, unused] : tool.versions) recorded.insert(layout.tool_dir(name, version));
  }
  std::set<fs::path> removed;
  for (const auto& path : entries_of(layout.tools())) {
    if (path.filename().string().starts_with(".") || !fs::is_directory(fs::symlink_status(path, ec))) continue;
    MarkerCheck check = check_marker(path);
    if (check.status != MarkerStatus::dead) continue;
    if (recorded.contains(path)) {
      remove_marker(path);
      continue;
    }
    if (!remove_entry(layout, path, output)) continue;
    removed.insert(path);
    const bool removing = check.marker && check.marker->kind == k_marker_removing;
    output.info("removed {}, left by {} that did not finish", path.filename().string(),
                removing ? "a remove" : "an install");
  }
  if (!removed.empty()) relink_into_removed(layout, state, removed);
  // Links follow state: an install that committed but died before switching them, or one
  // whose links point at another version of the same tool, gets the recorded ones.
  for (const auto& [name, tool] : state.installed) {
    auto v = tool.versions.find(tool.active_version);
    if (tool.is_hidden || v == tool.versions.end()) continue;
    std::string own_prefix = (layout.tools() / (name + "-")).string();
    for (const auto& b : v->second.binaries) {
      fs::path link = layout.bin() / fs::path(b).filename();
      fs::path want = layout.tool_dir(name, tool.active_version) / b;
      bool missing = !fs::exists(fs::symlink_status(link, ec));
      bool ours = fs::is_symlink(link, ec) && fs::read_symlink(link, ec).string().starts_with(own_prefix);
      // A missing command goes to its owner only, so several providers do not overwrite each other.
      if (missing) {
        auto owner = command_owner(state, link.filename().string());
        if (owner && owner->tool == name) (void)replace_symlink(link, want);
      } else if (ours && fs::read_symlink(link, ec) != want) {
        (void)replace_symlink(link, want);
      }
    }
  }
}

}  // namespace

void recover_home(const Layout& layout, const util::Output& output) {
  if (auto dirs = check_home_dirs(layout); !dirs) {
    output.warn("{}; nothing was cleaned up", dirs.error().message);
    return;
  }
  // tmp/ holds work directories of installs that held the install lock, which this process
  // holds now, and those of installs that take it for each commit only (docs/install.md,
  // "Several tools at once"), marked: one whose process still runs is in use and stays; whatever
  // else is there was left by one that died.
  for (const auto& path : entries_of(layout.tmp())) {
    const MarkerStatus status = check_marker(path).status;
    if (status == MarkerStatus::running || status == MarkerStatus::unknown) {
      output.debug("left {} alone ({})", path.string(), marker_status_name(status));
      continue;
    }
    if (remove_entry(layout, path, output)) output.debug("removed leftover {}", path.string());
  }
  auto state = recorded_state(layout);
  if (state) restore_committed_builds(layout, *state, output);
  clean_staged(layout, output);
  std::error_code ec;
  for (const auto& path : entries_of(layout.bin())) {
    std::string name = path.filename().string();
    if (name.front() == '.' && name.find(".tmp-") != std::string::npos) fs::remove(path, ec);
  }
  fs::remove(layout.root / "state.json.tmp", ec);
  if (state) reconcile_with_state(layout, *state, output);
}

}  // namespace tailor::install
