#include "install/executor.hpp"

#include <fcntl.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "install/links.hpp"
#include "install/operation_marker.hpp"
#include "install/pause.hpp"
#include "install/receipt.hpp"
#include "install/state.hpp"
#include "install/steps.hpp"
#include "install/system_deps.hpp"
#include "install/verify.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

// One tool of the plan: the plan itself (the root) or one of its dependencies.
struct Node {
  std::string tool, version;
  std::string parent;                                // "" for the root
  const plan::Plan* root = nullptr;                  // set for the root
  const plan::DependencyPlan* dependency = nullptr;  // set for a dependency
  std::vector<std::string> dependencies{};           // direct ones, by name

  const std::optional<std::vector<plan::PlanStep>>& steps() const { return root ? root->steps : dependency->steps; }
  const std::optional<plan::PlanVerify>& verify() const { return root ? root->verify : dependency->verify; }
};

// Depth-first, children before parents, in plan order.
template <typename PlanNode>
void collect(const PlanNode& node, const std::string& parent, std::vector<Node>& out) {
  for (const plan::DependencyPlan& dep : node.dependencies) collect(dep, node.tool, out);
  Node self{node.tool, node.version, parent};
  if constexpr (std::is_same_v<PlanNode, plan::Plan>)
    self.root = &node;
  else
    self.dependency = &node;
  for (const plan::DependencyPlan& dep : node.dependencies) self.dependencies.push_back(dep.tool);
  out.push_back(std::move(self));
}

class RemoveOnExit {
 public:
  explicit RemoveOnExit(fs::path path) : m_path(std::move(path)) {}
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;
  ~RemoveOnExit() {
    std::error_code ec;
    if (!m_path.empty()) fs::remove_all(m_path, ec);
  }  // then m_remover joins

  // Starts the removal now on a thread of its own, so that it overlaps what comes next (a
  // work directory can hold hundreds of megabytes the install did not keep).
  void start() {
    m_remover = std::jthread([path = std::exchange(m_path, {})] {
      std::error_code ec;
      fs::remove_all(path, ec);
    });
  }

 private:
  fs::path m_path;
  std::jthread m_remover;
};

Status await_verifications(StepContext& ctx) {
  for (auto& [url, verification] : ctx.pending_verifications) {
    if (auto st = verification.get(); !st) return fail(st.error());
  }
  ctx.pending_verifications.clear();
  return {};
}

// Why recovery left `check`'s directory alone, for the error that names it.
std::string left_because(const MarkerCheck& check) {
  switch (check.status) {
  case MarkerStatus::unmarked: return "no tailor operation marked it";
  case MarkerStatus::unreadable: return "its operation marker cannot be read";
  case MarkerStatus::running: return fmt::format("tailor process {} is using it", check.marker->process.pid);
  case MarkerStatus::unknown:
    return fmt::format("tailor cannot tell whether process {}, which made it, still runs", check.marker->process.pid);
  case MarkerStatus::dead: break;
  }
  return "";
}

// A staging or previous directory already at `path` (recovery ran first): deleted when this
// process or a dead operation marked it; otherwise it is not tailor's to delete, and the install
// stops before anything moves.
Status clear_leftover(const Layout& layout, const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return {};
  MarkerCheck check = check_marker(path);
  if (check.status == MarkerStatus::dead || check.ours()) return remove_in_home(layout, path);
  return fail(ErrorKind::install,
              "{} is in the way and tailor leaves it alone ({}); move it away and run the install again", path.string(),
              left_because(check));
}

class Executor {
 public:
  Executor(const Layout& layout, const InstallOptions& options, const util::Output& output)
      : m_layout(layout), m_options(options), m_output(output) {}

  Result<InstallOutcome> run(const plan::Plan& plan) {
    std::vector<Node> nodes;
    collect(plan, "", nodes);
    for (const auto& node : nodes) {
      if (auto st = check_path_name(node.tool, "tool name"); !st) return fail(st.error());
      if (auto st = check_path_name(node.version, "version"); !st) return fail(st.error());
    }
    // Check system packages and required commands of the whole tree before touching anything.
    if (auto st = check_system_requirements(plan, m_output); !st) return fail(st.error());
    auto state = read_state(m_layout);
    if (!state) return fail(state.error());
    m_state = std::move(*state);
    if (auto st = prefetch(nodes); !st) return fail(st.error());
    for (const auto& node : nodes) {
      if (auto st = install_node(node); !st) return fail(st.error());
    }
    return m_outcome;
  }

 private:
  bool will_install(const Node& node) const {
    return !installed(node) || (node.parent.empty() && (m_options.force || m_options.switch_check));
  }

  // Every artifact of the tools still to install, dependencies included, fetched before the
  // first step runs: `[fetch] parallel` at a time over the host pool (docs/mirrors.md,
  // "Choosing a host"). A failure here stops the install before anything changed; the steps then find each
  // artifact verified in the cache.
  Status prefetch(const std::vector<Node>& nodes) {
    if (m_options.downloader == nullptr) return {};
    std::vector<fetch::FetchRequest> requests;
    for (const Node& node : nodes) {
      if (!will_install(node)) continue;
      if (!node.steps()) continue;
      for (const plan::PlanStep& step : *node.steps()) {
        auto request = download_request(step);
        // Steps without a checksum fail in the step, with its message.
        if (request && !request->expected_sha256.empty()) requests.push_back(std::move(*request));
      }
    }
    if (requests.size() < 2) return {};  // one artifact: its step fetches it just the same
    auto fetched = m_options.downloader->fetch_all(requests);
    if (!fetched) return fail(fetched.error());
    return {};
  }

  // Runs the node's steps in a fresh context in `work`. Cached artifacts are re-hashed while
  // the steps run and nothing leaves the work directory before every one matched its
  // checksum; `damaged_cache` tells such a mismatch (the entry is removed by then) from
  // other failures.
  Status run_steps(const Node& node, const fs::path& work, StepContext& ctx, bool& damaged_cache) {
    std::error_code ec;
    fs::create_directory(work / ".install", ec);
    ctx = StepContext{work,       node.tool, node.version, m_options.downloader, m_options.limits, &m_output, {},
                      m_dep_bins, {}};
    ctx.keyring = m_layout.keyring();
    ctx.dependency_dirs = m_dep_dirs;
    ctx.logs_dir = m_layout.root / "logs";
    ctx.ecosystem_registries = m_options.ecosystem_registries;
    Status result;
    if (node.steps()) {
      for (const plan::PlanStep& step : *node.steps()) {
        if (result = run_step(step, ctx); !result) break;
      }
    }
    // Extracting a tampered cache entry fails too; the checksum is the better reason.
    if (auto verified = await_verifications(ctx); !verified) {
      damaged_cache = true;
      return verified;
    }
    return result;
  }

  bool recorded(const Node& node) const {
    auto it = m_state.installed.find(node.tool);
    return it != m_state.installed.end() && it->second.versions.contains(node.version);
  }

  bool installed(const Node& node) const {
    auto it = m_state.installed.find(node.tool);
    std::error_code ec;
    return it != m_state.installed.end() && it->second.versions.contains(node.version) &&
           fs::is_directory(m_layout.tool_dir(node.tool, node.version), ec);
  }

  Status install_node(const Node& node) {
    const bool root = node.parent.empty();
    std::string label = node.tool + "@" + node.version;
    fs::path tool_dir = m_layout.tool_dir(node.tool, node.version);
    if (!will_install(node)) return keep_installed(node);
    m_output.info("installing {}", label);
    auto work = util::make_temp_dir(work_root(), node.tool + "-" + node.version + "-");
    if (!work) return fail(work.error());
    RemoveOnExit cleanup(*work);
    StepContext ctx;
    bool damaged_cache = false;
    Status built = run_steps(node, *work, ctx, damaged_cache);
    if (!built && damaged_cache) {
      // docs/downloads.md, "The download cache": the damaged entry is gone by now, so the
      // steps run once more from a fresh download, which is verified while it streams.
      m_output.warn("{}; downloading it again", built.error().message);
      std::error_code ec;
      fs::remove_all(*work, ec);
      fs::create_directory(*work, ec);
      built = run_steps(node, *work, ctx, damaged_cache);
    }
    if (!built) return built;
    std::vector<std::string> binaries = binaries_of(node, ctx.binaries);
    if (auto st = check_runs_here(node, *work / ".install", binaries); !st) return st;
    // Without the install lock between turns, the build is verified where it was made, while
    // other tools build; its turn only places and records it (docs/install.md, "Several tools
    // at once").
    const bool verify_first = m_options.commit_gate != nullptr;
    const Status verified = verify_first ? run_verify(verify_input(node, *work / ".install", binaries)) : Status{};
    // A failed build takes a turn only to be kept beside the live versions.
    if (!verified && !m_options.keep_failed) return refuse_unverified(node, *work / ".install", verified);
    auto turn = take_turn();
    if (!turn) return fail(turn.error());
    if (verify_first) {
      if (!verified) return refuse_unverified(node, *work / ".install", verified);
      // Another tailor may have installed it since this one looked.
      auto state = read_state(m_layout);
      if (!state) return fail(state.error());
      m_state = std::move(*state);
      if (!will_install(node)) {
        turn->reset();
        return keep_installed(node);
      }
    }
    if (root && m_options.switch_check) return switch_build(node, *work, tool_dir, binaries, cleanup);

    pause_point("before_rename");
    fs::path staging = m_layout.staging_dir(node.tool, node.version);
    fs::path previous = m_layout.previous_dir(node.tool, node.version);
    // Without a state.json recovery keeps version directories: one an install left when it died
    // goes now, rather than come back as the "previous" build should this one fail.
    if (!recorded(node) && check_marker(tool_dir).status == MarkerStatus::dead) {
      if (auto st = remove_in_home(m_layout, tool_dir); !st) return st;
    }
    if (auto st = stage(node, *work, staging, previous); !st) return st;
    cleanup.start();  // what is left in the work directory was not installed
    std::error_code ec;
    bool had_previous = fs::exists(fs::symlink_status(tool_dir, ec));
    if (had_previous) {
      // Marked before it moves: recovery puts it back, or deletes it once a new build is in place.
      if (auto st = write_marker(tool_dir, make_marker(k_marker_previous, node.tool, node.version)); !st) return st;
      fs::rename(tool_dir, previous, ec);
      if (ec) {
        remove_marker(tool_dir);
        return fail(ErrorKind::install, "cannot move {} aside: {}", tool_dir.string(), ec.message());
      }
    }
    auto put_back_previous = [&] {
      std::error_code e;
      fs::rename(previous, tool_dir, e);
      if (!e) remove_marker(tool_dir);
    };
    fs::rename(staging, tool_dir, ec);
    if (ec) {
      if (had_previous) put_back_previous();
      return fail(ErrorKind::install, "cannot move {} into place: {}", tool_dir.string(), ec.message());
    }
    auto undo_dir = [&] {
      std::error_code e;
      fs::remove_all(tool_dir, e);
      if (had_previous) put_back_previous();
    };

    if (root) {
      if (auto st = check_links_free(m_layout, binaries); !st) {
        undo_dir();
        return st;
      }
    }
    // Verify before anything points at the new version: PATH puts its own bin/ first.
    if (auto st = verify_first ? Status{} : run_verify(verify_input(node, tool_dir, binaries)); !st) {
      if (auto kept = keep_failed_build(node, tool_dir)) {
        if (had_previous) put_back_previous();
        return fail(ErrorKind::install, "{}; the install was rolled back and the failed build kept in {}",
                    st.error().message, kept->string());
      }
      undo_dir();
      return fail(ErrorKind::install, "{}; the install was rolled back", st.error().message);
    }

    if (auto st = run_placed_steps(node, tool_dir); !st) {
      undo_dir();
      return fail(ErrorKind::install, "{}; the install was rolled back", st.error().message);
    }
    pause_point("before_state");
    if (auto st = commit(node, tool_dir, binaries); !st) {
      undo_dir();
      return st;
    }
    fs::remove_all(previous, ec);
    return {};
  }

  // docs/actions.md, "Steps that run in place": with the build at its final path, before the commit.
  Status run_placed_steps(const Node& node, const fs::path& tool_dir) const {
    if (!node.steps()) return {};
    const PlacedContext ctx{tool_dir, m_layout.data_dir(node.tool), node.tool, node.version, m_dep_bins, &m_output};
    for (const plan::PlanStep& step : *node.steps())
      if (auto st = run_placed_step(step, ctx); !st) return st;
    return {};
  }

  // With --keep-failed, moves a build that failed verify to tools/<name>-<version>.failed, beside
  // the live versions, never linked or recorded. Unmarked first: recovery never deletes a kept
  // build, even after a crash right here.
  std::optional<fs::path> keep_failed_build(const Node& node, const fs::path& build) const {
    if (!m_options.keep_failed) return std::nullopt;
    fs::path kept = m_layout.tools() / (node.tool + "-" + node.version + ".failed");
    std::error_code ec;
    fs::remove_all(kept, ec);
    remove_marker(build);
    fs::rename(build, kept, ec);
    if (ec) return std::nullopt;
    return kept;
  }

  // A build verified in its work directory that failed: nothing of it was placed.
  Status refuse_unverified(const Node& node, const fs::path& build, const Status& verified) const {
    if (auto kept = keep_failed_build(node, build)) {
      return fail(ErrorKind::install, "{}; the install was rolled back and the failed build kept in {}",
                  verified.error().message, kept->string());
    }
    return fail(ErrorKind::install, "{}; the install was rolled back", verified.error().message);
  }

  // A turn of the commit gate; none without a gate (the caller then holds the install lock
  // throughout).
  Result<std::optional<CommitGate::Turn>> take_turn() const {
    if (m_options.commit_gate == nullptr) return std::optional<CommitGate::Turn>();
    auto turn = m_options.commit_gate->enter();
    if (!turn) return fail(turn.error());
    return std::optional<CommitGate::Turn>(std::move(*turn));
  }

  fs::path work_root() const { return m_options.work_root.empty() ? m_layout.tmp() : m_options.work_root; }

  // A version that stays as it is: skipped, and as a dependency on PATH for its dependents.
  Status keep_installed(const Node& node) {
    fs::path tool_dir = m_layout.tool_dir(node.tool, node.version);
    m_dep_bins.push_back((tool_dir / "bin").string());
    m_dep_dirs[node.tool] = tool_dir;
    m_outcome.skipped.push_back(node.tool + "@" + node.version);
    m_output.info("{}@{} is already installed", node.tool, node.version);
    return record_existing(node);
  }

  // A backend switch of the root: the new build is verified and checked in its staging
  // directory while the old one stays live; one exchange of the two directories puts it in
  // place, state.json (the commit point) follows. recover_home puts the old build back when a
  // crash comes between the exchange and the state write.
  Status switch_build(const Node& node, const fs::path& work, const fs::path& tool_dir,
                      const std::vector<std::string>& binaries, RemoveOnExit& work_cleanup) {
    pause_point("before_rename");
    fs::path staging = m_layout.staging_dir(node.tool, node.version);
    fs::path previous = m_layout.previous_dir(node.tool, node.version);
    if (auto st = stage(node, work, staging, previous); !st) return st;
    work_cleanup.start();
    RemoveOnExit drop_staged(staging);
    if (auto st = check_links_free(m_layout, binaries); !st) return st;
    VerifyInput verify = verify_input(node, staging, binaries);
    if (auto st = run_verify(verify); !st) {
      return fail(ErrorKind::install, "{}; the installed build was kept", st.error().message);
    }
    if (auto st = m_options.switch_check(staging, verify.path_dirs); !st) return st;

    pause_point("before_swap");
    // The installed build is marked before the exchange, so that after a crash both builds are
    // known to recovery as this operation's (it puts the recorded one back).
    std::error_code ec;
    if (fs::exists(fs::symlink_status(tool_dir, ec))) {
      if (auto st = write_marker(tool_dir, make_marker(k_marker_previous, node.tool, node.version)); !st) return st;
    }
    if (auto st = swap_in(staging, tool_dir, previous); !st) {
      remove_marker(tool_dir);  // every failing path of swap_in leaves the installed build live
      return st;
    }

    if (auto st = run_placed_steps(node, tool_dir); !st) {
      swap_back(tool_dir, previous, staging);
      remove_marker(tool_dir);
      return fail(ErrorKind::install, "{}; the installed build was kept", st.error().message);
    }
    pause_point("before_state");
    if (auto st = commit(node, tool_dir, binaries); !st) {
      swap_back(tool_dir, previous, staging);
      remove_marker(tool_dir);
      return st;
    }
    fs::remove_all(previous, ec);
    return {};
  }

  // Puts `staged` in place of `live`, the old build ending as `previous`: one exchange where the
  // kernel can (renameat2), else two renames, between which only `previous` exists, which
  // recover_home puts back after a crash.
  static Status swap_in(const fs::path& staged, const fs::path& live, const fs::path& previous) {
    std::error_code ec;
    if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, live.c_str(), RENAME_EXCHANGE) == 0) {
      fs::rename(staged, previous, ec);  // staged now holds the old build
      if (!ec) return {};
      (void)::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, live.c_str(), RENAME_EXCHANGE);
      return fail(ErrorKind::install, "cannot move the old build of {} aside: {}", live.string(), ec.message());
    }
    const int error = errno;
    if (error == ENOENT && !fs::exists(live, ec)) {
      // Removed since the switch was decided (by another tailor): a plain install.
      fs::rename(staged, live, ec);
      if (ec) return fail(ErrorKind::install, "cannot move {} into place: {}", live.string(), ec.message());
      return {};
    }
    if (error != EINVAL && error != ENOSYS) {
      return fail(ErrorKind::install, "cannot swap {} into place: {}", live.string(), std::strerror(error));
    }
    fs::rename(live, previous, ec);
    if (ec) return fail(ErrorKind::install, "cannot move {} aside: {}", live.string(), ec.message());
    fs::rename(staged, live, ec);
    if (ec) {
      std::error_code e;
      fs::rename(previous, live, e);
      return fail(ErrorKind::install, "cannot move {} into place: {}", live.string(), ec.message());
    }
    return {};
  }

  // Undoes swap_in; the new build leaves under the staging name, which recover_home deletes.
  static void swap_back(const fs::path& live, const fs::path& previous, const fs::path& staging) {
    std::error_code ec;
    if (::renameat2(AT_FDCWD, previous.c_str(), AT_FDCWD, live.c_str(), RENAME_EXCHANGE) == 0) {
      fs::remove_all(previous, ec);
      return;
    }
    fs::rename(live, staging, ec);
    if (!ec) fs::rename(previous, live, ec);
    fs::remove_all(staging, ec);
  }

  // docs/install.md, "Can the build run here?": refused before anything is staged or linked.
  Status check_runs_here(const Node& node, const fs::path& dir, const std::vector<std::string>& binaries) const {
    if (!m_options.run_host) return {};
    auto problems = runnable_problems(dir, binaries, *m_options.run_host);
    if (problems.empty()) return {};
    std::string why = describe_problems(problems);
    if (m_options.run_host->only_warn) {
      m_output.warn("{}@{}: {}; installed anyway (--force)", node.tool, node.version, why);
      return {};
    }
    if (m_options.cannot_run != nullptr) *m_options.cannot_run = why;
    return fail(ErrorKind::install, "{}@{} cannot run on this machine: {}; nothing was installed", node.tool,
                node.version, why);
  }

  // Marks the finished work directory as this operation's and renames it to `staging`, after
  // making sure neither `staging` nor `previous` holds something recovery left alone.
  Status stage(const Node& node, const fs::path& work, const fs::path& staging, const fs::path& previous) const {
    if (auto st = clear_leftover(m_layout, staging); !st) return st;
    if (auto st = clear_leftover(m_layout, previous); !st) return st;
    if (auto st = write_marker(work / ".install", make_marker(k_marker_staging, node.tool, node.version)); !st)
      return st;
    std::error_code ec;
    fs::rename(work / ".install", staging, ec);
    if (ec) return fail(ErrorKind::install, "cannot stage {}: {}", staging.string(), ec.message());
    return {};
  }

  VerifyInput verify_input(const Node& node, const fs::path& dir, const std::vector<std::string>& binaries) const {
    std::vector<std::string> path_dirs = {(dir / "bin").string()};
    // Directory-mode tools (llama.cpp) keep their executables at the top of the tree, not in
    // bin/: the directory of every declared binary goes on PATH too.
    for (const auto& binary : binaries) {
      std::string bin_dir = (dir / binary).parent_path().string();
      if (std::find(path_dirs.begin(), path_dirs.end(), bin_dir) == path_dirs.end()) path_dirs.push_back(bin_dir);
    }
    path_dirs.insert(path_dirs.end(), m_dep_bins.begin(), m_dep_bins.end());
    path_dirs.push_back(m_layout.bin().string());
    return VerifyInput{
        node.verify().value_or(plan::PlanVerify{}), node.tool, node.version, dir, path_dirs, verify_timeout()};
  }

  // Writes the version into state.json (the commit point), then switches the root's links.
  Status commit(const Node& node, const fs::path& tool_dir, const std::vector<std::string>& binaries) {
    const bool root = node.parent.empty();
    std::string label = node.tool + "@" + node.version;
    InstalledVersion record;
    record.requested = root ? m_options.requested : node.version;
    record.binaries = binaries;
    record.installed_at = now_rfc3339();
    // The node as the plan has it: the whole plan for the root, its subtree for a dependency.
    record.plan = nlohmann::json(node.root != nullptr ? plan::plan_to_json(*node.root)
                                                      : plan::dependency_to_json(*node.dependency));
    for (const auto& b : binaries) {
      if (auto digest = util::file_digest(tool_dir / b); digest) record.binary_checksums[b] = *digest;
    }
    auto written = update_state(m_layout, [&](State& state) -> Status {
      InstalledTool& tool = state.installed[node.tool];
      if (root) {
        if (!tool.active_version.empty() && tool.active_version != node.version)
          tool.previous_version = tool.active_version;
        tool.active_version = node.version;
        tool.is_explicit = true;
        tool.is_hidden = false;
        tool.source = m_options.source;
      } else {
        if (tool.active_version.empty()) tool.active_version = node.version;
        tool.is_hidden = !tool.is_explicit;
        if (std::find(tool.required_by.begin(), tool.required_by.end(), node.parent) == tool.required_by.end())
          tool.required_by.push_back(node.parent);
      }
      tool.install_dependencies = node.dependencies;
      if (auto it = m_options.provenance.find(node.tool); it != m_options.provenance.end()) {
        tool.recipe_source = it->second.source;
        tool.recipe_url = it->second.url;
        tool.recipe_hash = it->second.sha256;
      }
      tool.versions[node.version] = record;
      // Before the state write: every version state.json records carries its install record,
      // from which `tailor state rebuild` can write state.json again. That write flushes it.
      if (auto st = merge_receipt(tool_dir, install_record(node.tool, node.version, record, tool),
                                  util::Durability::best_effort);
          !st)
        return st;
      m_state = state;
      return {};
    });
    if (!written) return fail(written.error());
    remove_marker(tool_dir);  // recorded now: the directory is no longer this operation's leftover
    // state.json is the commit point; links follow it (recovery re-applies them after a crash).
    if (root) {
      if (auto switched = switch_links(m_layout, tool_dir, binaries, m_output); !switched) {
        m_output.warn("{} is installed but its links could not be switched: {}", label, switched.error().message);
      }
    }
    m_dep_bins.push_back((tool_dir / "bin").string());
    m_dep_dirs[node.tool] = tool_dir;
    m_outcome.installed.push_back(label);
    return {};
  }

  // A dependency that is already there gains the parent in required_by.
  Status record_existing(const Node& node) {
    if (node.parent.empty()) return {};
    auto& required = m_state.installed[node.tool].required_by;
    if (std::find(required.begin(), required.end(), node.parent) != required.end()) return {};
    auto turn = take_turn();
    if (!turn) return fail(turn.error());
    return update_state(m_layout, [&](State& state) -> Status {
      auto& list = state.installed[node.tool].required_by;
      if (std::find(list.begin(), list.end(), node.parent) == list.end()) list.push_back(node.parent);
      m_state = state;
      return {};
    });
  }

  // metadata.binaries (the root plan's `binaries`), else what install_binaries produced.
  static std::vector<std::string> binaries_of(const Node& node, const std::vector<std::string>& produced) {
    if (node.root != nullptr && !node.root->binaries.empty()) return node.root->binaries;
    return produced;
  }

  const Layout& m_layout;
  const InstallOptions& m_options;
  const util::Output& m_output;
  State m_state;
  InstallOutcome m_outcome;
  std::vector<std::string> m_dep_bins;
  std::map<std::string, fs::path> m_dep_dirs;  // installed (or present) tools by name, for ecosystem toolchains
};

}  // namespace

Result<InstallOutcome> execute_plan(const Layout& layout, const plan::Plan& plan, const InstallOptions& options,
                                    const util::Output& output) {
  if (auto st = ensure_layout(layout); !st) return fail(st.error());
  Executor executor(layout, options, output);
  return executor.run(plan);
}

}  // namespace tailor::install
