#include "install/operations.hpp"

#include "install/lifecycle.hpp"
#include "install/lock.hpp"
#include "install/recovery.hpp"

namespace tailor::install {
namespace {

Result<InstallLock> lock_home(const Layout& layout, const LockOptions& lock, const util::Output& output) {
  if (auto st = ensure_layout(layout); !st) return fail(st.error());
  LockRequest request;
  request.home = layout.root;
  request.timeout = lock.timeout;
  request.token = lock.token;
  request.output = &output;
  auto held = acquire_install_lock(request);
  if (!held) return fail(held.error());
  recover_home(layout, output);
  return held;
}

} // namespace

Result<InstallOutcome> install_plans(const Layout& layout, const std::vector<nlohmann::ordered_json>& plans,
                                     const InstallOptions& options, const LockOptions& lock,
                                     const util::Output& output) {
  auto held = lock_home(layout, lock, output);
  if (!held) return fail(held.error());
  InstallOutcome total;
  std::vector<Error> errors;
  for (const auto& plan : plans) {
    auto outcome = execute_plan(layout, plan, options, output);
    if (!outcome) {
      if (plans.size() == 1) return fail(outcome.error());
      output.warn("{}", outcome.error().message);
      errors.push_back(outcome.error());
      continue;
    }
    total.installed.insert(total.installed.end(), outcome->installed.begin(), outcome->installed.end());
    total.skipped.insert(total.skipped.end(), outcome->skipped.begin(), outcome->skipped.end());
  }
  if (!errors.empty()) {
    return fail(ErrorKind::partial, "{} of {} tools failed to install (first: {})", errors.size(), plans.size(), errors.front().message);
  }
  return total;
}

Result<std::vector<std::string>> remove_tools(const Layout& layout, const std::string& tool,
                                              const std::optional<std::string>& version, bool force,
                                              const LockOptions& lock, const util::Output& output) {
  auto held = lock_home(layout, lock, output);
  if (!held) return fail(held.error());
  return remove_tool(layout, tool, version, force, output);
}

} // namespace tailor::install
