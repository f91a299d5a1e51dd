#include "install/verify_installed.hpp"

#include <fmt/format.h>

#include "install/link_owners.hpp"
#include "install/state.hpp"
#include "install/verify.hpp"
#include "plan/plan_read.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

// Messages of the lower layers start with "tool@version: "; under a verdict that is said once.
std::string without_label(std::string message, const std::string& label) {
  const std::string prefix = label + ": ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

// How to repair a version: install it again. A tool installed from a plan file that still
// holds this very version is reinstalled from that file; anything else from its recipe.
std::string fix_for(const InstalledTool& tool, const std::string& name, const std::string& version) {
  const std::string& source = tool.source;
  if (source != "registry" && source != "plan" && source != "-" && !source.empty()) {
    std::error_code ec;
    if (fs::is_regular_file(source, ec)) {
      auto text = util::read_file(source, 16U << 20U);
      auto plan = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
      if (plan.is_object() && plan.value("tool", std::string()) == name &&
          plan.value("version", std::string()) == version) {
        return fmt::format("tailor install --reinstall --plan {}", source);
      }
    }
  }
  return fmt::format("tailor install --reinstall {}@{}", name, version);
}

VerifyVerdict check_version(const Layout& layout, const State& state, const std::string& name,
                            const InstalledTool& tool, const std::string& version, const InstalledVersion& installed,
                            const std::optional<RunHost>& host) {
  VerifyVerdict verdict{name, version, version == tool.active_version, {}, {}};
  const std::string label = fmt::format("{}@{}", name, version);
  fs::path dir = layout.tool_dir(name, version);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    verdict.problems.push_back(fmt::format("{} is missing", dir.string()));
  } else {
    for (const auto& [binary, expected] : installed.binary_checksums) {
      auto actual = util::file_digest(dir / binary);
      if (!actual) {
        verdict.problems.push_back(fmt::format("{} is missing or unreadable (sha256 {} expected)", binary, expected));
      } else if (*actual != expected) {
        verdict.problems.push_back(
            fmt::format("{} changed since install (sha256 {} expected, {} found)", binary, expected, *actual));
      }
    }
    if (host) {
      for (const auto& problem : runnable_problems(dir, installed.binaries, *host)) verdict.problems.push_back(problem);
    }
    // The verify command runs with this version's bin/ first on PATH; bin/ of the home comes
    // after it only for the active version (the links there lead to the active one).
    std::vector<std::string> path_dirs = {(dir / "bin").string()};
    if (verdict.active) path_dirs.insert(path_dirs.begin(), layout.bin().string());
    // A version recorded without its plan has no verify command to run.
    const Result<plan::Plan> plan = installed.plan.is_null()
                                        ? Result<plan::Plan>(plan::Plan{})
                                        : plan::plan_from_json(nlohmann::ordered_json(installed.plan));
    if (!plan) {
      verdict.problems.push_back(fmt::format("its recorded plan cannot be read: {}", plan.error().message));
    } else {
      VerifyInput input{plan->verify.value_or(plan::PlanVerify{}), name, version, dir, path_dirs, verify_timeout()};
      if (auto st = run_verify(input); !st) verdict.problems.push_back(without_label(st.error().message, label));
    }
  }
  if (verdict.active) {
    for (auto& problem : command_link_problems(layout, state, name))
      verdict.problems.push_back(without_label(std::move(problem), label));
  }
  if (!verdict.ok()) verdict.fix = fix_for(tool, name, version);
  return verdict;
}

}  // namespace

Result<std::vector<VerifyVerdict>> verify_installed(const Layout& layout, const VerifyRequest& request,
                                                    const std::optional<RunHost>& host) {
  auto state = read_state(layout);
  if (!state) return fail(state.error());
  if (!request.tool.empty()) {
    auto found = state->installed.find(request.tool);
    if (found == state->installed.end())
      return fail(ErrorKind::failure, "{} is not installed; `tailor list` shows what is", request.tool);
    if (request.version && !found->second.versions.contains(*request.version)) {
      std::vector<std::string> versions;
      for (const auto& [v, unused] : found->second.versions) versions.push_back(v);
      return fail(ErrorKind::failure, "{}@{} is not installed (installed: {}); `tailor list` shows what is",
                  request.tool, *request.version, util::join(versions, ", "));
    }
  }
  std::vector<VerifyVerdict> verdicts;
  for (const auto& [name, tool] : state->installed) {
    if (!request.tool.empty() && name != request.tool) continue;
    if (request.tool.empty() && tool.is_hidden && !request.all) continue;
    for (const auto& [version, installed] : tool.versions) {
      bool wanted = request.version ? version == *request.version : (request.all || version == tool.active_version);
      if (wanted) verdicts.push_back(check_version(layout, *state, name, tool, version, installed, host));
    }
  }
  return verdicts;
}

}  // namespace tailor::install
