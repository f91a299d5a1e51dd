#include "install/lifecycle.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "install/link_owners.hpp"
#include "install/links.hpp"
#include "install/operation_marker.hpp"
#include "install/pause.hpp"
#include "install/state.hpp"
#include "install/steps.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

// Marks a version directory before state.json stops recording it: a crash before the state
// write leaves a recorded directory whose marker recovery just removes, one after it an
// unrecorded marked directory that recovery deletes. A symlink in its place is not marked (its
// link alone is removed after the commit).
Status mark_for_removal(const fs::path& dir, const std::string& name, const std::string& version) {
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return {};
  return write_marker(dir, make_marker(k_marker_removing, name, version));
}

// Moves the directory into tmp/ first, so a crash never leaves a half-deleted live directory;
// nothing is followed through a symlink.
void delete_version_dir(const Layout& layout, const fs::path& dir) {
  std::error_code ec;
  auto trash = util::make_temp_dir(layout.tmp(), "remove-");
  if (trash) {
    fs::rename(dir, *trash / "dir", ec);
    (void)remove_in_home(layout, *trash);
  }
  if (fs::exists(fs::symlink_status(dir, ec))) (void)remove_in_home(layout, dir);
}

void drop(std::vector<std::string>& list, const std::string& value) {
  list.erase(std::remove(list.begin(), list.end(), value), list.end());
}

}  // namespace

Result<std::vector<std::string>> remove_tool(const Layout& layout, const std::string& tool,
                                             const std::optional<std::string>& version, bool force,
                                             const util::Output& output) {
  if (auto st = ensure_layout(layout); !st) return fail(st.error());
  std::vector<std::string> removed;
  std::vector<std::string> relinked;
  std::vector<fs::path> doomed;                                // deleted once state.json no longer records them
  std::map<std::string, std::set<std::string>> program_files;  // by tool, from the removed versions' plans
  std::vector<fs::path> unplaced;                              // deleted with them
  auto st = update_state(layout, [&](State& state) -> Status {
    std::vector<std::string> freed;  // bin/ links removed with the versions
    auto it = state.installed.find(tool);
    if (it == state.installed.end())
      return fail(ErrorKind::failure, "{} is not installed; `tailor list` shows what is", tool);
    if (version && !it->second.versions.contains(*version)) {
      return fail(ErrorKind::failure, "{}@{} is not installed; `tailor list` shows what is", tool, *version);
    }
    bool whole = !version || it->second.versions.size() == 1;
    if (whole && !it->second.required_by.empty() && !force) {
      return fail(ErrorKind::system_deps, "{} is still required by {}; remove those first or pass --force", tool,
                  util::join(it->second.required_by, ", "));
    }
    std::vector<std::string> queue = {tool};
    while (!queue.empty()) {
      std::string name = queue.back();
      queue.pop_back();
      auto entry = state.installed.find(name);
      if (entry == state.installed.end()) continue;
      InstalledTool& t = entry->second;
      std::vector<std::string> versions;
      if (name == tool && version)
        versions = {*version};
      else
        for (const auto& [v, unused] : t.versions) versions.push_back(v);
      for (const auto& v : versions) {
        if (auto record = t.versions.find(v); record != t.versions.end())
          for (auto& file : placed_program_files(record->second.plan)) program_files[name].insert(std::move(file));
        fs::path dir = layout.tool_dir(name, v);
        if (auto marked = mark_for_removal(dir, name, v); !marked) return marked;
        doomed.push_back(dir);
        auto unlinked = remove_links_into(layout, dir);
        freed.insert(freed.end(), unlinked.begin(), unlinked.end());
        t.versions.erase(v);
        removed.push_back(fmt::format("{}@{}", name, v));
      }
      if (!t.versions.empty()) {
        // Another version stays: make the most recently installed one active.
        if (!t.versions.contains(t.active_version)) {
          auto newest = std::max_element(t.versions.begin(), t.versions.end(), [](const auto& a, const auto& b) {
            return a.second.installed_at < b.second.installed_at;
          });
          t.active_version = newest->first;
        }
        continue;
      }
      // The tool is gone: so are the files it placed in data/<name>, never what else is there.
      for (const auto& file : program_files[name]) unplaced.push_back(layout.data_dir(name) / file);
      std::vector<std::string> deps = t.install_dependencies;
      state.installed.erase(entry);
      for (auto& [other, o] : state.installed) drop(o.required_by, name);
      for (const auto& dep : deps) {
        auto d = state.installed.find(dep);
        if (d != state.installed.end() && !d->second.is_explicit && d->second.required_by.empty()) queue.push_back(dep);
      }
    }
    // Links follow ownership: a command another installed tool (or the version that is active
    // now) also provides points at it again (docs/user-guide.md, "Install, list, remove").
    relinked = relink_to_owners(layout, state, freed);
    pause_point("before_remove_state");
    return {};
  });
  if (!st) {
    for (const auto& dir : doomed) remove_marker(dir);
    return fail(st.error());
  }
  // Only now: a remove killed before the state write leaves every recorded directory in place
  // (its marker is removed by recovery); one killed after it leaves marked directories that
  // recovery deletes.
  pause_point("before_remove_delete");
  for (const auto& dir : doomed) delete_version_dir(layout, dir);
  std::error_code ec;
  for (const auto& file : unplaced) {
    fs::remove(file, ec);
    fs::remove(file.parent_path(), ec);  // only when nothing else is left there
  }
  for (const auto& label : removed) output.debug("removed {}", label);
  for (const auto& link : relinked) output.info("bin/{}", link);
  return removed;
}

Result<std::vector<ListedVersion>> list_tools(const Layout& layout, bool all, const util::Output& output) {
  auto state = read_state(layout);
  if (!state) return fail(state.error());
  std::vector<ListedVersion> out;
  for (const auto& [name, tool] : state->installed) {
    if (tool.is_hidden && !all) continue;
    for (const auto& [version, v] : tool.versions) {
      std::error_code ec;
      if (!fs::is_directory(layout.tool_dir(name, version), ec)) {
        output.warn("{}@{} is recorded but {} is missing; reinstall it", name, version,
                    layout.tool_dir(name, version).string());
        continue;
      }
      const bool previous = version == tool.previous_version && version != tool.active_version;
      out.push_back(ListedVersion{name, version, version == tool.active_version, tool.is_hidden, previous,
                                  v.installed_at, v.binaries});
    }
  }
  return out;
}

nlohmann::ordered_json listing_to_json(const std::vector<ListedVersion>& listing) {
  nlohmann::ordered_json tools = nlohmann::ordered_json::array();
  for (const auto& item : listing) {
    tools.push_back({{"name", item.tool},
                     {"version", item.version},
                     {"active", item.active},
                     {"hidden", item.hidden},
                     {"previous", item.previous},
                     {"installed_at", item.installed_at},
                     {"binaries", item.binaries}});
  }
  return {{"tools", tools}, {"libraries", nlohmann::ordered_json::array()}};
}

}  // namespace tailor::install
