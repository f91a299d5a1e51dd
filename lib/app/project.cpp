#include "app/project.hpp"

#include <algorithm>
#include <set>

#include "install/plan_check.hpp"
#include "plan/plan_read.hpp"
#include "plan/planner.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::app {
namespace fs = std::filesystem;

namespace {

// One plan of `tool` for `target`, from the target's facts alone.
Result<nlohmann::ordered_json> plan_for_target(const ResolveRequest& request, const project::ProjectTool& tool,
                                               const std::string& target, const util::Output& output,
                                               const SessionSeams& seams) {
  auto overrides = project::parse_lock_target(target);
  if (!overrides) return fail(overrides.error());
  PlanSessionOptions options;
  options.tool = tool.install_name();
  options.registry = request.registry;
  options.backend = tool.backend;
  options.offline = request.offline;
  options.refresh = request.refresh;
  options.target_only = true;
  options.detect_request = [flags = *overrides](const config::Config&) {
    platform::DetectRequest detect;
    detect.flags = flags;
    detect.probe = "none";  // a lock target never reads this machine's Vulkan
    return detect;
  };
  auto session = open_plan_session(options, output, seams);
  if (!session) return fail(session.error());
  // As for install: a recipe with a version source never resolves to "dev".
  (*session)->request.require_version = true;
  auto outcome = plan::generate_plan((*session)->request, (*session)->services);
  if (!outcome) return fail(outcome.error());
  for (const auto& warning : outcome->warnings) output.warn("{} for {}: {}", tool.name, target, warning);
  // The only key that changes from run to run: without it the lock is byte-stable.
  outcome->value.generated_at.clear();
  return plan::plan_to_json(outcome->value);
}

// A lock entry's plan, its JSON checked as the lock holds it and read into plan::Plan once;
// `origin` names the lock in messages.
Result<plan::Plan> locked_plan(const project::ProjectLockEntry& entry, const std::string& origin) {
  auto refused = [&](const Error& error) {
    return fail(error.kind, "{}: the plan of {} for {}: {}", origin, entry.tool, entry.target, error.message);
  };
  if (auto checked = install::check_plan_fields(entry.plan); !checked) return refused(checked.error());
  auto plan = plan::plan_from_json(entry.plan);
  if (!plan) return refused(plan.error());
  return plan;
}

std::string what_to_run(const project::ProjectFile& project) {
  return fmt::format("run `tailor resolve` in {} to make it again", project.path.parent_path().string());
}

}  // namespace

Result<platform::Facts> machine_facts(const SessionSeams& seams) {
  platform::DetectRequest detect;
  detect.probe = "none";
  return seams.resolve_facts(detect);
}

Result<std::vector<std::string>> lock_targets(const project::ProjectFile& project,
                                              const std::vector<std::string>& extra, const platform::Facts& machine) {
  std::set<std::string> targets(project.targets.begin(), project.targets.end());
  for (const auto& text : extra) {
    auto parsed = project::parse_lock_target(text);
    if (!parsed) return fail(parsed.error());
    targets.insert(project::format_lock_target(*parsed));
  }
  targets.insert(project::machine_lock_target(machine));
  return std::vector<std::string>(targets.begin(), targets.end());
}

std::vector<std::string> lock_problems(const project::ProjectFile& project, const project::ProjectLock& lock,
                                       const std::vector<std::string>& targets) {
  std::vector<std::string> problems;
  const std::string hash = project::tools_hash(project);
  if (lock.tools_hash != hash) {
    problems.push_back(fmt::format("[tools] of {} changed since the lock was made (tools_hash {} in the lock, {} now)",
                                   project.path.string(), lock.tools_hash, hash));
  }
  for (const auto& target : targets) {
    if (std::find(lock.targets.begin(), lock.targets.end(), target) == lock.targets.end())
      problems.push_back(fmt::format("target {} is not in the lock", target));
  }
  for (const auto& tool : project.tools) {
    std::string locked_as;  // one line per tool, not per target
    for (const auto& target : lock.targets) {
      const auto* entry = project::find_lock_entry(lock, tool.name, target);
      if (entry == nullptr)
        problems.push_back(fmt::format("no entry for {} on {}", tool.name, target));
      else if (entry->request != tool.request() && locked_as.empty())
        locked_as = entry->request;
    }
    if (!locked_as.empty())
      problems.push_back(
          fmt::format("{} is locked as {}, tailor.toml asks for {}", tool.name, locked_as, tool.request()));
  }
  return problems;
}

Result<ResolveReport> resolve_project(const ResolveRequest& request, const util::Output& output,
                                      const SessionSeams& seams) {
  auto project = project::load_project(request.start);
  if (!project) return fail(project.error());
  auto machine = machine_facts(seams);
  if (!machine) return fail(machine.error());
  auto targets = lock_targets(*project, request.targets, *machine);
  if (!targets) return fail(targets.error());
  ResolveReport report;
  report.lock_path = project->lock_path();
  std::error_code ec;
  if (request.check) {
    if (!fs::exists(report.lock_path, ec)) {
      report.problems.push_back(fmt::format("there is no {}", report.lock_path.string()));
      return report;
    }
    auto lock = project::read_project_lock(report.lock_path);
    if (!lock) return fail(lock.error());
    // This machine needs an entry that covers it, not its exact target text.
    std::vector<std::string> named = project->targets;
    for (const auto& text : request.targets)
      named.push_back(project::format_lock_target(*project::parse_lock_target(text)));
    report.problems = lock_problems(*project, *lock, named);
    if (!project::pick_lock_target(*lock, *machine))
      report.problems.push_back(
          fmt::format("no target covers this machine ({})", project::machine_lock_target(*machine)));
    report.lock = std::move(*lock);
    return report;
  }
  project::ProjectLock lock;
  lock.tools_hash = project::tools_hash(*project);
  lock.targets = *targets;
  for (const auto& tool : project->tools) {
    for (const auto& target : *targets) {
      auto plan = plan_for_target(request, tool, target, output, seams);
      if (!plan) {
        return fail(plan.error().kind, "{} for {}: {}; {} was not changed", tool.name, target, plan.error().message,
                    report.lock_path.string());
      }
      lock.entries.push_back({tool.name, tool.request(), target, std::move(*plan)});
      output.info("locked {} for {}", tool.name, target);
    }
  }
  const std::string text = project::project_lock_text(lock);
  auto before = util::read_file(report.lock_path, 64u << 20);
  if (!before || *before != text) {
    if (auto written = util::write_file_atomic(report.lock_path, text); !written) return fail(written.error());
    report.written = true;
  }
  report.lock = std::move(lock);
  return report;
}

namespace {

// The lock target to install: `target` in canonical form, else the one that covers `machine`;
// one the lock does not hold is ErrorKind::failure with `remedy` (a format naming the target).
Result<std::string> chosen_target(const project::ProjectLock& lock, const platform::Facts& machine,
                                  const std::optional<std::string>& target, const std::string& origin,
                                  std::string_view remedy) {
  std::string chosen;
  if (target) {
    auto parsed = project::parse_lock_target(*target);
    if (!parsed) return fail(parsed.error());
    chosen = project::format_lock_target(*parsed);
  } else if (auto picked = project::pick_lock_target(lock, machine)) {
    chosen = *picked;
  }
  if (chosen.empty() || std::find(lock.targets.begin(), lock.targets.end(), chosen) == lock.targets.end()) {
    const std::string wanted = chosen.empty() ? project::machine_lock_target(machine) : chosen;
    return fail(ErrorKind::failure, "{} has no entry for {} (its targets: {}); {}", origin,
                chosen.empty() ? "this machine, " + wanted : wanted, util::join(lock.targets, ", "),
                fmt::format(fmt::runtime(remedy), wanted));
  }
  return chosen;
}

}  // namespace

Result<LockedPlans> locked_plans(const project::ProjectFile& project, const platform::Facts& machine,
                                 const std::optional<std::string>& target) {
  const fs::path path = project.lock_path();
  std::error_code ec;
  if (!fs::exists(path, ec))
    return fail(ErrorKind::failure, "there is no {} for {}; {}", path.string(), project.path.string(),
                what_to_run(project));
  auto lock = project::read_project_lock(path);
  if (!lock) return fail(lock.error());
  const std::string hash = project::tools_hash(project);
  if (lock->tools_hash != hash) {
    return fail(ErrorKind::failure, "{} is out of date: [tools] of {} changed since it was made; {}", path.string(),
                project.path.string(), what_to_run(project));
  }
  LockedPlans out;
  auto chosen = chosen_target(*lock, machine, target, path.string(),
                              "add it with `tailor resolve --target {}` or to [lock] targets");
  if (!chosen) return fail(chosen.error());
  out.target = std::move(*chosen);
  for (const auto& tool : project.tools) {
    const auto* entry = project::find_lock_entry(*lock, tool.name, out.target);
    if (entry == nullptr || entry->request != tool.request()) {
      return fail(ErrorKind::failure, "{} is out of date: no entry for {} on {}; {}", path.string(), tool.request(),
                  out.target, what_to_run(project));
    }
    auto plan = locked_plan(*entry, path.string());
    if (!plan) return fail(plan.error());
    out.plans.push_back(std::move(*plan));
  }
  return out;
}

Result<LockedPlans> lock_plans(const project::ProjectLock& lock, const platform::Facts& machine,
                               const std::optional<std::string>& target, const std::string& origin) {
  LockedPlans out;
  auto chosen = chosen_target(lock, machine, target, origin, "resolve the lock with `--target {}` and push it again");
  if (!chosen) return fail(chosen.error());
  out.target = std::move(*chosen);
  std::vector<std::string> tools;
  for (const auto& entry : lock.entries) {
    if (std::find(tools.begin(), tools.end(), entry.tool) == tools.end()) tools.push_back(entry.tool);
  }
  std::sort(tools.begin(), tools.end());
  for (const auto& tool : tools) {
    const auto* entry = project::find_lock_entry(lock, tool, out.target);
    if (entry == nullptr) return fail(ErrorKind::failure, "{} has no entry for {} on {}", origin, tool, out.target);
    auto plan = locked_plan(*entry, origin);
    if (!plan) return fail(plan.error());
    out.plans.push_back(std::move(*plan));
  }
  if (out.plans.empty()) return fail(ErrorKind::failure, "{} locks no tools", origin);
  return out;
}

}  // namespace tailor::app
