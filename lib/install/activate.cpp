#include "install/activate.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "coord/events.hpp"
#include "install/lifecycle.hpp"
#include "install/link_owners.hpp"
#include "install/links.hpp"
#include "install/steps.hpp"
#include "util/strings.hpp"
#include "version/version_compare.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> installed_versions(const InstalledTool& tool) {
  std::vector<std::string> versions;
  for (const auto& [version, unused] : tool.versions) versions.push_back(version);
  std::sort(versions.begin(), versions.end(),
            [](const std::string& a, const std::string& b) { return version::compare_versions(a, b) < 0; });
  return versions;
}

// The version to make active, or why there is none; nothing is changed either way.
Result<std::string> pick_target(const State& state, const std::string& name,
                                const std::optional<std::string>& version) {
  auto it = state.installed.find(name);
  if (it == state.installed.end())
    return fail(ErrorKind::failure, "{} is not installed; `tailor list` shows what is", name);
  const InstalledTool& tool = it->second;
  const std::string installed = util::join(installed_versions(tool), ", ");
  if (version) {
    if (!tool.versions.contains(*version)) {
      return fail(ErrorKind::failure,
                  "{}@{} is not installed (installed: {}); `tailor install {}@{}` installs it, nothing was changed",
                  name, *version, installed, name, *version);
    }
    return *version;
  }
  if (tool.previous_version.empty() || tool.previous_version == tool.active_version ||
      !tool.versions.contains(tool.previous_version)) {
    const std::string gone = tool.previous_version.empty() || tool.previous_version == tool.active_version
                                 ? std::string()
                                 : fmt::format(" ({} was removed)", tool.previous_version);
    return fail(ErrorKind::failure,
                "{} has no previous version to roll back to{} (installed: {}); `tailor activate {} VERSION` "
                "activates another installed version, nothing was changed",
                name, gone, installed, name);
  }
  return tool.previous_version;
}

}  // namespace

Result<Activation> activate_version(const Layout& layout, const std::string& tool,
                                    const std::optional<std::string>& version, const LockOptions& lock,
                                    const util::Output& output) {
  // A plain read first: a request that cannot succeed is refused without taking the lock.
  auto seen = read_state(layout);
  if (!seen) return fail(seen.error());
  if (auto target = pick_target(*seen, tool, version); !target) return fail(target.error());

  auto held = lock_home(layout, lock, output);
  if (!held) return fail(held.error());
  Activation activation{tool, "", "", false};
  std::vector<std::string> binaries;
  bool hidden = false;
  bool already = false;  // the target is active: nothing to write
  State after;
  auto written = update_state(layout, [&](State& state) -> Status {
    // Decided again under the lock: another tailor may have changed the tool meanwhile.
    auto target = pick_target(state, tool, version);
    if (!target) return fail(target.error());
    InstalledTool& entry = state.installed.at(tool);
    activation.from = entry.active_version;
    activation.to = *target;
    if (activation.from == activation.to) {
      already = true;
      return fail(ErrorKind::failure, "unchanged");  // writes nothing
    }
    std::error_code ec;
    const fs::path dir = layout.tool_dir(tool, *target);
    if (!fs::is_directory(fs::symlink_status(dir, ec))) {
      return fail(ErrorKind::failure, "{}@{} is recorded but {} is missing; reinstall it with `tailor install {}@{}`",
                  tool, *target, dir.string(), tool, *target);
    }
    binaries = entry.versions.at(*target).binaries;
    hidden = entry.is_hidden;
    if (!hidden) {
      if (auto free = check_links_free(layout, binaries); !free) return free;
    }
    entry.previous_version = activation.from;
    entry.active_version = *target;
    after = state;
    return {};
  });
  if (!written) {
    if (already) {
      output.info("{}@{} is already active", tool, activation.to);
      return activation;
    }
    return fail(written.error());
  }
  activation.changed = true;
  // state.json is the commit point; the links follow it. Each one is replaced by a rename, so
  // a command never disappears; those only the old version had go back to their owners.
  if (!hidden) {
    const fs::path dir = layout.tool_dir(tool, activation.to);
    if (auto switched = switch_links(layout, dir, binaries, output); !switched) {
      output.warn("{}@{} is active but its links could not be switched: {}", tool, activation.to,
                  switched.error().message);
    }
    auto freed = remove_links_into(layout, layout.tool_dir(tool, activation.from));
    for (const auto& link : relink_to_owners(layout, after, freed)) output.info("bin/{}", link);
  }
  // Program files are the active version's: those of the version active now replace the others.
  const PlacedContext placed{
      layout.tool_dir(tool, activation.to), layout.data_dir(tool), tool, activation.to, {}, &output};
  if (auto copied = place_program_files(after.installed.at(tool).versions.at(activation.to).plan, placed); !copied)
    output.warn("{}@{} is active but its program files could not be copied: {}", tool, activation.to,
                copied.error().message);
  held->release();
  return activation;
}

std::vector<std::string> versions_to_prune(const InstalledTool& tool, std::size_t keep) {
  std::vector<std::string> versions = installed_versions(tool);
  std::vector<std::string> doomed;
  const std::size_t old = versions.size() > keep ? versions.size() - keep : 0;
  for (std::size_t i = 0; i < old; ++i) {
    if (versions[i] != tool.active_version) doomed.push_back(versions[i]);
  }
  return doomed;
}

Result<std::vector<std::string>> prune_versions(const Layout& layout, const std::optional<std::string>& tool,
                                                std::size_t keep, const LockOptions& lock, const util::Output& output) {
  if (keep == 0) return fail(ErrorKind::usage, "--keep-latest takes a number of versions of at least 1");
  auto held = lock_home(layout, lock, output);
  if (!held) return fail(held.error());
  auto state = read_state(layout);
  if (!state) return fail(state.error());
  std::vector<std::pair<std::string, std::string>> doomed;
  if (tool) {
    auto it = state->installed.find(*tool);
    if (it == state->installed.end())
      return fail(ErrorKind::failure, "{} is not installed; `tailor list` shows what is", *tool);
    for (auto& version : versions_to_prune(it->second, keep)) doomed.emplace_back(*tool, std::move(version));
  } else {
    for (const auto& [name, entry] : state->installed) {
      if (entry.is_hidden) continue;  // a dependency's versions go with the tools that need them
      for (auto& version : versions_to_prune(entry, keep)) doomed.emplace_back(name, std::move(version));
    }
  }
  std::vector<std::string> removed;
  std::vector<coord::Event> events;
  for (const auto& [name, version] : doomed) {
    auto gone = remove_tool(layout, name, version, false, output);
    if (!gone) return fail(gone.error());
    removed.insert(removed.end(), gone->begin(), gone->end());
    coord::Event event = coord::make_event(coord::event_type::k_remove_completed, name);
    event.version = version;
    events.push_back(std::move(event));
  }
  held->release();
  emit_events(layout, events, output);
  return removed;
}

}  // namespace tailor::install
