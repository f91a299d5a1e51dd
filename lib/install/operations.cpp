#include "install/operations.hpp"

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "config/config.hpp"
#include "coord/events.hpp"
#include "coord/lock.hpp"
#include "install/commit_gate.hpp"
#include "install/lifecycle.hpp"
#include "install/operation_marker.hpp"
#include "install/recovery.hpp"
#include "install/state.hpp"
#include "util/fs.hpp"

namespace tailor::install {

Result<LockOptions> lock_options(std::string token, std::string_view timeout_text) {
  LockOptions lock;
  lock.token = std::move(token);
  if (!timeout_text.empty()) {
    auto timeout = coord::parse_lock_timeout(timeout_text);
    if (!timeout) return fail(timeout.error());
    lock.timeout = *timeout;
  }
  return lock;
}

namespace {

coord::LockRequest lock_request(const Layout& layout, const LockOptions& lock, const util::Output& output) {
  coord::LockRequest request;
  request.home = layout.root;
  request.timeout = lock.timeout;
  request.token = lock.token;
  request.output = &output;
  return request;
}

}  // namespace

Result<coord::InstallLock> lock_home(const Layout& layout, const LockOptions& lock, const util::Output& output) {
  if (auto st = ensure_layout(layout); !st) return fail(st.error());
  auto held = coord::acquire_install_lock(lock_request(layout, lock, output));
  if (!held) return fail(held.error());
  // Recovery and every change decide from state.json: one that cannot be read stops the
  // command before anything under $TAILOR_HOME is touched (docs/home-layout.md, "state.json").
  if (auto state = read_state(layout); !state) return fail(state.error());
  recover_home(layout, output);
  return held;
}

void emit_events(const Layout& layout, const std::vector<coord::Event>& events, const util::Output& output) {
  if (events.empty()) return;
  auto config = config::load_config(layout.root, &output, config::uses::events);
  if (!config) {
    output.warn("events not sent: {}", config.error().message);
    return;
  }
  for (const auto& event : events) coord::emit_event(event, *config, output);
}

namespace {

// Whether no tool appears in the trees of two plans (they can then be installed at once).
template <typename PlanNode>
void tree_tools(const PlanNode& node, std::set<std::string>& out) {
  out.insert(node.tool);
  for (const plan::DependencyPlan& dep : node.dependencies) tree_tools(dep, out);
}

bool disjoint_trees(const std::vector<plan::Plan>& plans) {
  std::set<std::string> seen;
  for (const auto& plan : plans) {
    std::set<std::string> tools;
    tree_tools(plan, tools);
    for (const auto& tool : tools) {
      if (!seen.insert(tool).second) return false;
    }
  }
  return true;
}

}  // namespace

namespace {

struct Run {
  Result<InstallOutcome> outcome = InstallOutcome{};
  int64_t duration_ms = 0;
};

Run run_plan(const Layout& layout, const plan::Plan& plan, const InstallOptions& options, const util::Output& output) {
  const auto started = std::chrono::steady_clock::now();
  Run run;
  run.outcome = execute_plan(layout, plan, options, output);
  run.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return run;
}

// What the runs of `plans` add up to, and the events they announce (sent once the lock is free).
struct Summary {
  Result<InstallOutcome> outcome = InstallOutcome{};
  std::vector<coord::Event> events;
};

Summary summarize(const std::vector<plan::Plan>& plans, const std::vector<Run>& runs, const util::Output& output) {
  Summary summary;
  InstallOutcome total;
  std::vector<Error> errors;
  for (size_t i = 0; i < plans.size(); ++i) {
    const auto& plan = plans[i];
    const auto& outcome = runs[i].outcome;
    coord::Event event = coord::make_event(
        outcome ? coord::event_type::k_install_completed : coord::event_type::k_install_failed, plan.tool);
    event.version = plan.version;
    event.backend = tuple::name(plan.platform.backend);
    event.duration_ms = runs[i].duration_ms;
    if (!outcome) event.error = outcome.error().message;
    if (outcome && outcome->installed.empty()) {
      // Already installed at that version: nothing happened, nothing to announce.
    } else {
      summary.events.push_back(std::move(event));
    }
    if (!outcome) {
      errors.push_back(outcome.error());
      if (plans.size() > 1) output.warn("{}", outcome.error().message);
      continue;
    }
    total.installed.insert(total.installed.end(), outcome->installed.begin(), outcome->installed.end());
    total.skipped.insert(total.skipped.end(), outcome->skipped.begin(), outcome->skipped.end());
  }
  if (errors.size() == 1 && plans.size() == 1) {
    summary.outcome = fail(errors.front());
  } else if (!errors.empty()) {
    summary.outcome = fail(ErrorKind::partial, "{} of {} tools failed to install (first: {})", errors.size(),
                           plans.size(), errors.front().message);
  } else {
    summary.outcome = std::move(total);
  }
  return summary;
}

// tmp/project-XXXXXX, marked as this process's: made while the lock is held, it holds the work
// directories of an install that then runs without the lock, and recovery in another tailor
// leaves a marked directory alone while its process runs (install/recovery.cpp).
Result<std::filesystem::path> make_work_root(const Layout& layout) {
  auto made = util::make_temp_dir(layout.tmp(), "project-");
  if (!made) return fail(made.error());
  if (auto marked = write_marker(*made, make_marker(k_marker_work, "", "")); !marked) {
    (void)remove_in_home(layout, *made);
    return fail(marked.error());
  }
  return *made;
}

}  // namespace

Result<InstallOutcome> install_plans(const Layout& layout, const std::vector<plan::Plan>& plans,
                                     const InstallOptions& options, const LockOptions& lock,
                                     const util::Output& output) {
  auto held = lock_home(layout, lock, output);
  if (!held) return fail(held.error());
  std::vector<Run> runs;
  runs.reserve(plans.size());
  for (const auto& plan : plans) runs.push_back(run_plan(layout, plan, options, output));
  Summary summary = summarize(plans, runs, output);
  held->release();
  emit_events(layout, summary.events, output);
  return std::move(summary.outcome);
}

Result<InstallOutcome> install_plans_at_once(const Layout& layout, const std::vector<plan::Plan>& plans,
                                             const InstallOptions& options, const LockOptions& lock,
                                             const util::Output& output, size_t jobs) {
  InstallOptions shared = options;
  {
    auto held = lock_home(layout, lock, output);
    if (!held) return fail(held.error());
    auto work_root = make_work_root(layout);
    if (!work_root) return fail(work_root.error());
    shared.work_root = std::move(*work_root);
  }
  // From here on the lock is taken for each tool's commit only.
  CommitGate gate(lock_request(layout, lock, output), options.downloads_checked);
  shared.commit_gate = &gate;
  std::vector<Run> runs(plans.size());
  if (jobs > 1 && plans.size() > 1 && disjoint_trees(plans)) {
    std::atomic<size_t> next{0};
    std::vector<std::jthread> workers;
    for (size_t w = 0; w < std::min(jobs, plans.size()); ++w) {
      workers.emplace_back([&] {
        for (size_t i = next++; i < plans.size(); i = next++) runs[i] = run_plan(layout, plans[i], shared, output);
      });
    }
    workers.clear();  // joins
  } else {
    for (size_t i = 0; i < plans.size(); ++i) runs[i] = run_plan(layout, plans[i], shared, output);
  }
  (void)remove_in_home(layout, shared.work_root);
  if (options.downloads_checked.valid()) {
    // The gate never opened: nothing was committed, and the failure is the downloads' alone.
    if (const Status& downloads = options.downloads_checked.get(); !downloads) return fail(downloads.error());
  }
  Summary summary = summarize(plans, runs, output);
  emit_events(layout, summary.events, output);
  return std::move(summary.outcome);
}

Result<std::vector<std::string>> remove_tools(const Layout& layout, const std::string& tool,
                                              const std::optional<std::string>& version, bool force,
                                              const LockOptions& lock, const util::Output& output) {
  auto held = lock_home(layout, lock, output);
  if (!held) return fail(held.error());
  auto removed = remove_tool(layout, tool, version, force, output);
  held->release();
  if (removed) {
    coord::Event event = coord::make_event(coord::event_type::k_remove_completed, tool);
    event.version = version.value_or("");
    emit_events(layout, {event}, output);
  }
  return removed;
}

}  // namespace tailor::install
