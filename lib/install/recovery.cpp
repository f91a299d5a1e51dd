#include "install/recovery.hpp"

#include <cstdio>
#include <set>

#include "install/links.hpp"
#include "install/state.hpp"
#include "util/fs.hpp"

namespace tailor::install {
namespace fs = std::filesystem;

namespace {

// state.json is the commit record: a version directory it does not list was moved into
// place by an install that died before committing, and links into it are switched back.
// Only done when state.json exists, so a lost state file never deletes installed tools.
void reconcile_with_state(const Layout& layout, const util::Output& output) {
  std::error_code ec;
  if (!fs::exists(layout.state_file(), ec)) return;
  auto state = read_state(layout);
  if (!state) return;
  std::set<fs::path> recorded;
  for (const auto& [name, tool] : state->installed) {
    for (const auto& [version, unused] : tool.versions) recorded.insert(layout.tool_dir(name, version));
  }
  for (const auto& entry : fs::directory_iterator(layout.bin(), ec)) {
    if (!entry.is_symlink(ec)) continue;
    fs::path target = fs::read_symlink(entry.path(), ec);
    auto rel = target.lexically_relative(layout.tools());
    if (rel.empty() || rel.begin()->string() == "..") continue;
    if (recorded.contains(layout.tools() / *rel.begin())) continue;
    bool restored = false;
    for (const auto& [name, tool] : state->installed) {
      auto v = tool.versions.find(tool.active_version);
      if (v == tool.versions.end()) continue;
      for (const auto& b : v->second.binaries) {
        if (fs::path(b).filename() != entry.path().filename()) continue;
        restored = replace_symlink(entry.path(), layout.tool_dir(name, tool.active_version) / b).has_value();
      }
    }
    if (!restored) fs::remove(entry.path(), ec);
  }
  std::vector<fs::path> stray;
  for (const auto& entry : fs::directory_iterator(layout.tools(), ec)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with(".") && entry.is_directory(ec) && !recorded.contains(entry.path()))
      stray.push_back(entry.path());
  }
  for (const auto& dir : stray) {
    fs::remove_all(dir, ec);
    output.info("removed {}, left by an install that did not finish", dir.filename().string());
  }
  // Links follow state: an install that committed but died before switching them, or one
  // whose links point at another version of the same tool, gets the recorded ones.
  for (const auto& [name, tool] : state->installed) {
    auto v = tool.versions.find(tool.active_version);
    if (tool.is_hidden || v == tool.versions.end()) continue;
    std::string own_prefix = (layout.tools() / (name + "-")).string();
    for (const auto& b : v->second.binaries) {
      fs::path link = layout.bin() / fs::path(b).filename();
      fs::path want = layout.tool_dir(name, tool.active_version) / b;
      bool missing = !fs::exists(fs::symlink_status(link, ec));
      bool ours = fs::is_symlink(link, ec) && fs::read_symlink(link, ec).string().starts_with(own_prefix);
      if ((missing || ours) && (missing || fs::read_symlink(link, ec) != want)) (void)replace_symlink(link, want);
    }
  }
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

// A backend switch exchanges the live directory with the verified new build and then writes
// state.json. Dying in between leaves the new build live and the committed one beside it (as
// .staging or .previous): the build whose receipt names the backend state.json records for
// that version goes back in place, so state, directory and links agree again.
void restore_committed_builds(const Layout& layout, const util::Output& output) {
  std::error_code ec;
  if (!fs::exists(layout.state_file(), ec)) return;
  auto state = read_state(layout);
  if (!state) return;
  for (const auto& [name, tool] : state->installed) {
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
      if (receipt_backend(previous) != wanted) {
        if (receipt_backend(staging) != wanted) continue;
        // As .previous it survives a crash during the steps below (restored when live is missing).
        fs::remove_all(previous, ec);
        fs::rename(staging, previous, ec);
        if (ec) continue;
      }
      auto trash = util::make_temp_dir(layout.tmp(), "switch-");
      if (!trash) continue;
      fs::rename(live, *trash / "dir", ec);
      if (ec) continue;
      fs::rename(previous, live, ec);
      fs::remove_all(*trash, ec);
      output.info("restored the {} build of {}@{} after an interrupted backend switch", wanted, name, version);
    }
  }
}

}  // namespace

void recover_home(const Layout& layout, const util::Output& output) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.tmp(), ec)) {
    fs::remove_all(entry.path(), ec);
    output.debug("removed leftover {}", entry.path().string());
  }
  restore_committed_builds(layout, output);
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(layout.tools(), ec)) entries.push_back(entry.path());
  for (const auto& path : entries) {
    std::string name = path.filename().string();
    if (name.size() < 2 || name.front() != '.') continue;
    if (name.ends_with(".staging")) {
      fs::remove_all(path, ec);
      output.info("cleaned up an interrupted install ({})", name);
    } else if (name.ends_with(".previous")) {
      fs::path live = layout.tools() / name.substr(1, name.size() - 1 - std::string(".previous").size());
      if (!fs::exists(live, ec)) {
        fs::rename(path, live, ec);
        output.info("restored {} after an interrupted reinstall", live.filename().string());
      } else {
        fs::remove_all(path, ec);
      }
    }
  }
  for (const auto& entry : fs::directory_iterator(layout.bin(), ec)) {
    std::string name = entry.path().filename().string();
    if (name.front() == '.' && name.find(".tmp-") != std::string::npos) fs::remove(entry.path(), ec);
  }
  fs::remove(layout.root / "state.json.tmp", ec);
  reconcile_with_state(layout, output);
}

}  // namespace tailor::install
