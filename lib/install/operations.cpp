#include "install/operations.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "config/config.hpp"
#include "coord/events.hpp"
#include "coord/lock.hpp"
#include "install/lifecycle.hpp"
#include "install/recovery.hpp"
#include "install/state.hpp"

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

Result<coord::InstallLock> lock_home(const Layout& layout, const LockOptions& lock, const util::Output& output) {
  if (auto st = ensure_layout(layout); !st) return fail(st.error());
  coord::LockRequest request;
  request.home = layout.root;
  request.timeout = lock.timeout;
  request.token = lock.token;
  request.output = &output;
  auto held = coord::acquire_install_lock(request);
  if (!held) return fail(held.error());
  // Recovery and every change decide from state.json: one that cannot be read stops the
  // command before anything under $TAILOR_HOME is touched (docs/home-layout.md, "state.json").
  if (auto state = read_state(layout); !state) return fail(state.error());
  recover_home(layout, output);
  return held;
}

namespace {

std::string plan_string(const nlohmann::ordered_json& plan, const char* key) {
  auto it = plan.find(key);
  return it != plan.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

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
void tree_tools(const nlohmann::ordered_json& node, std::set<std::string>& out) {
  out.insert(plan_string(node, "tool"));
  if (auto deps = node.find("dependencies"); deps != node.end() && deps->is_array()) {
    for (const auto& dep : *deps) tree_tools(dep, out);
  }
}

bool disjoint_trees(const std::vector<nlohmann::ordered_json>& plans) {
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

Result<InstallOutcome> install_plans(const Layout& layout, const std::vector<nlohmann::ordered_json>& plans,
                                     const InstallOptions& options, const LockOptions& lock, const util::Output& output,
                                     size_t jobs) {
  auto held = lock_home(layout, lock, output);
  if (!held) return fail(held.error());
  struct Run {
    Result<InstallOutcome> outcome = InstallOutcome{};
    int64_t duration_ms = 0;
  };
  std::vector<Run> runs(plans.size());
  std::mutex commit_mutex;
  InstallOptions shared = options;
  auto execute = [&](size_t i) {
    const auto started = std::chrono::steady_clock::now();
    runs[i].outcome = execute_plan(layout, plans[i], shared, output);
    runs[i].duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  };
  if (jobs > 1 && plans.size() > 1 && disjoint_trees(plans)) {
    // Each tool builds, extracts and verifies in its own directories; only the commits (the
    // state.json write and the link switch) take turns.
    shared.commit_mutex = &commit_mutex;
    std::atomic<size_t> next{0};
    std::vector<std::jthread> workers;
    for (size_t w = 0; w < std::min(jobs, plans.size()); ++w) {
      workers.emplace_back([&] {
        for (size_t i = next++; i < plans.size(); i = next++) execute(i);
      });
    }
    workers.clear();  // joins
  } else {
    for (size_t i = 0; i < plans.size(); ++i) execute(i);
  }
  InstallOutcome total;
  std::vector<Error> errors;
  std::vector<coord::Event> events;
  for (size_t i = 0; i < plans.size(); ++i) {
    const auto& plan = plans[i];
    const auto& outcome = runs[i].outcome;
    coord::Event event =
        coord::make_event(outcome ? coord::event_type::k_install_completed : coord::event_type::k_install_failed,
                          plan_string(plan, "tool"));
    event.version = plan_string(plan, "version");
    if (auto platform = plan.find("platform"); platform != plan.end() && platform->is_object()) {
      event.backend = plan_string(*platform, "backend");
    }
    event.duration_ms = runs[i].duration_ms;
    if (!outcome) event.error = outcome.error().message;
    if (outcome && outcome->installed.empty()) {
      // Already installed at that version: nothing happened, nothing to announce.
    } else {
      events.push_back(std::move(event));
    }
    if (!outcome) {
      errors.push_back(outcome.error());
      if (plans.size() > 1) output.warn("{}", outcome.error().message);
      continue;
    }
    total.installed.insert(total.installed.end(), outcome->installed.begin(), outcome->installed.end());
    total.skipped.insert(total.skipped.end(), outcome->skipped.begin(), outcome->skipped.end());
  }
  held->release();
  emit_events(layout, events, output);
  if (errors.size() == 1 && plans.size() == 1) return fail(errors.front());
  if (!errors.empty()) {
    return fail(ErrorKind::partial, "{} of {} tools failed to install (first: {})", errors.size(), plans.size(),
                errors.front().message);
  }
  return total;
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
