#include "install/state_rebuild.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "coord/lock.hpp"
#include "install/operation_marker.hpp"
#include "install/receipt.hpp"
#include "install/state_json.hpp"
#include "install/system_deps.hpp"
#include "util/fs.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

// Receipts hold a plan each; far above any real one, far below what could exhaust memory.
constexpr uint64_t k_max_receipt_bytes = 64ULL << 20;

struct InstallRecord {
  std::string tool, version;
  InstalledVersion version_record;
  InstalledTool tool_fields;
};

// The install record in `dir`'s receipt; the error message is the reason it is not recorded.
Result<InstallRecord> read_install_record(const fs::path& dir) {
  std::error_code ec;
  const auto status = fs::symlink_status(dir, ec);
  if (fs::is_symlink(status)) return fail(ErrorKind::failure, "a symbolic link, not a version directory");
  if (!fs::is_directory(status)) return fail(ErrorKind::failure, "not a directory");
  const fs::path file = receipt_path(dir);
  if (!fs::exists(file, ec)) return fail(ErrorKind::failure, "no install receipt (.tailor/receipt.json)");
  auto text = util::read_file(file, k_max_receipt_bytes);
  if (!text) return fail(text.error());
  const auto receipt = nlohmann::json::parse(*text, nullptr, false);
  if (!receipt.is_object()) return fail(ErrorKind::failure, "{} is not a JSON object", file.string());
  if (!receipt.contains("installed_at")) {
    return fail(ErrorKind::failure,
                "{} has no install record (the version was installed by a tailor that did not write one); "
                "reinstall it",
                file.string());
  }
  InstallRecord out;
  if (!receipt.contains("tool") || !receipt["tool"].is_string() || !receipt.contains("version") ||
      !receipt["version"].is_string()) {
    return fail(ErrorKind::failure, "{}: \"tool\" and \"version\" must be strings", file.string());
  }
  out.tool = receipt["tool"].get<std::string>();
  out.version = receipt["version"].get<std::string>();
  if (auto st = check_path_name(out.tool, "tool name"); !st) return fail(st.error());
  if (auto st = check_path_name(out.version, "version"); !st) return fail(st.error());
  if (dir.filename() != out.tool + "-" + out.version) {
    return fail(ErrorKind::failure, "{} records {}@{}, which does not live in this directory", file.string(), out.tool,
                out.version);
  }
  auto version_record = installed_version_from_json(receipt, file.string());
  if (!version_record) return fail(version_record.error());
  auto tool_fields = tool_fields_from_json(receipt, file.string());
  if (!tool_fields) return fail(tool_fields.error());
  out.version_record = std::move(*version_record);
  out.tool_fields = std::move(*tool_fields);
  return out;
}

// tools/ directory names that bin/ links point into.
std::set<std::string> linked_dirs(const Layout& layout) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.bin(), ec)) {
    if (!entry.is_symlink(ec)) continue;
    auto rel = fs::read_symlink(entry.path(), ec).lexically_relative(layout.tools());
    if (!ec && !rel.empty() && *rel.begin() != "..") out.insert(rel.begin()->string());
  }
  return out;
}

// True when `a` was installed after `b` (RFC 3339 UTC strings order by time), ties broken by
// the higher version.
bool newer(const std::pair<const std::string, InstalledVersion>& a,
           const std::pair<const std::string, InstalledVersion>& b) {
  if (a.second.installed_at != b.second.installed_at) return a.second.installed_at > b.second.installed_at;
  return compare_versions_padded(a.first, b.first) > 0;
}

std::string choose_active(const std::string& tool, const InstalledTool& entry, const std::set<std::string>& linked) {
  const std::pair<const std::string, InstalledVersion>* best = nullptr;
  bool best_linked = false;
  for (const auto& item : entry.versions) {
    bool is_linked = linked.contains(tool + "-" + item.first);
    if (best == nullptr || (is_linked && !best_linked) || (is_linked == best_linked && newer(item, *best))) {
      best = &item;
      best_linked = is_linked;
    }
  }
  return best == nullptr ? std::string() : best->first;
}

}  // namespace

StateRebuild state_from_receipts(const Layout& layout) {
  StateRebuild out;
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.tools(), ec)) {
    // Staging and previous builds (.name-version.staging/.previous) are recovery's to settle.
    if (!entry.path().filename().string().starts_with(".")) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  std::map<std::string, std::map<std::string, InstallRecord>> records;
  for (const auto& dir : dirs) {
    // A build whose install died before its commit, or a version whose remove died, was never
    // (or is no longer) meant to be installed: recovery settles it, the state does not get it back.
    const MarkerCheck mark = check_marker(dir);
    if (mark.status == MarkerStatus::dead && mark.marker->kind != k_marker_previous) {
      out.unrecorded.push_back(
          {dir, fmt::format("left by a tailor {} that did not finish (pid {}); the next install "
                            "or remove deletes it",
                            mark.marker->kind == k_marker_removing ? "remove" : "install", mark.marker->process.pid)});
      continue;
    }
    auto record = read_install_record(dir);
    if (!record) {
      out.unrecorded.push_back({dir, record.error().message});
      continue;
    }
    records[record->tool][record->version] = std::move(*record);
  }
  const auto linked = linked_dirs(layout);
  for (auto& [name, versions] : records) {
    InstalledTool& tool = out.state.installed[name];
    for (auto& [version, record] : versions) {
      tool.versions[version] = record.version_record;
      tool.is_explicit = tool.is_explicit || record.tool_fields.is_explicit;
    }
    tool.active_version = choose_active(name, tool, linked);
    const InstalledTool& active = versions.at(tool.active_version).tool_fields;
    tool.install_dependencies = active.install_dependencies;
    tool.runtime_dependencies = active.runtime_dependencies;
    tool.source = active.source;
    tool.is_hidden = !tool.is_explicit;
  }
  for (const auto& [name, tool] : out.state.installed) {
    for (const auto& dep : tool.install_dependencies) {
      auto it = out.state.installed.find(dep);
      if (it == out.state.installed.end() || dep == name) continue;
      auto& required = it->second.required_by;
      if (std::find(required.begin(), required.end(), name) == required.end()) required.push_back(name);
    }
  }
  return out;
}

Result<StateRebuild> rebuild_state(const Layout& layout, const RebuildOptions& options, const util::Output& output) {
  if (options.dry_run) return state_from_receipts(layout);
  if (auto st = ensure_layout(layout); !st) return fail(st.error());
  coord::LockRequest request;
  request.home = layout.root;
  request.timeout = options.lock.timeout;
  request.token = options.lock.token;
  request.output = &output;
  auto held = coord::acquire_install_lock(request);
  if (!held) return fail(held.error());
  std::error_code ec;
  if (!options.force && fs::exists(layout.state_file(), ec)) {
    if (auto current = read_state(layout); current) {
      return fail(ErrorKind::failure,
                  "{} can be read ({} tools recorded) and was left as it is; `tailor state rebuild --force` "
                  "replaces it with what the receipts record (keeping it as {})",
                  layout.state_file().string(), current->installed.size(), layout.state_prev().string());
    }
  }
  StateRebuild rebuild = state_from_receipts(layout);
  auto replaced = replace_state(layout, rebuild.state);
  if (!replaced) return fail(replaced.error());
  rebuild.written = true;
  rebuild.replaced = *replaced;
  return rebuild;
}

nlohmann::ordered_json rebuild_to_json(const Layout& layout, const StateRebuild& rebuild, bool dry_run) {
  auto recorded = nlohmann::ordered_json::array();
  for (const auto& [name, tool] : rebuild.state.installed) {
    for (const auto& [version, unused] : tool.versions) {
      recorded.push_back({{"name", name}, {"version", version}, {"active", version == tool.active_version}});
    }
  }
  auto unrecorded = nlohmann::ordered_json::array();
  for (const auto& dir : rebuild.unrecorded) unrecorded.push_back({{"path", dir.dir.string()}, {"reason", dir.reason}});
  nlohmann::ordered_json kept_as = nullptr;
  if (rebuild.replaced == ReplacedState::prev) kept_as = layout.state_prev().string();
  if (rebuild.replaced == ReplacedState::damaged) kept_as = layout.state_damaged().string();
  return {{"dry_run", dry_run},
          {"written", rebuild.written},
          {"state_file", layout.state_file().string()},
          {"kept_as", kept_as},
          {"recorded", recorded},
          {"unrecorded", unrecorded},
          {"state", nlohmann::ordered_json(state_to_json(rebuild.state))}};
}

}  // namespace tailor::install
