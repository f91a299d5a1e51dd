#include "install/system_deps.hpp"
#include "recipe/actions.hpp"

#include <grp.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "install/step_params.hpp"
#include "install/subprocess.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace tailor::install {
using nlohmann::ordered_json;
namespace {

struct Manager {
  const char* action;
  const char* install_command;  // shown to the user, never run
};

const Manager k_managers[] = {{"apt_install", "apt-get install -y"},       {"dnf_install", "dnf install -y"},
                              {"pacman_install", "pacman -S --noconfirm"}, {"apk_install", "apk add"},
                              {"zypper_install", "zypper install -y"},     {"brew_install", "brew install"},
                              {"brew_cask", "brew install --cask"}};

const Manager* manager_for(const std::string& action) {
  for (const auto& m : k_managers) {
    if (action == m.action) return &m;
  }
  return nullptr;
}

enum class Presence { present, missing, cannot_check };

Presence query(const std::string& action, const std::string& package) {
  std::vector<std::string> argv;
  if (recipe::is_action(action, recipe::ActionKind::apt_install))
    argv = {"dpkg-query", "-W", "-f=${Status}", package};
  else if (recipe::is_action(action, recipe::ActionKind::dnf_install) ||
           recipe::is_action(action, recipe::ActionKind::zypper_install))
    argv = {"rpm", "-q", package};
  else if (recipe::is_action(action, recipe::ActionKind::pacman_install))
    argv = {"pacman", "-Q", package};
  else if (recipe::is_action(action, recipe::ActionKind::apk_install))
    argv = {"apk", "info", "-e", package};
  else if (recipe::is_action(action, recipe::ActionKind::brew_install))
    argv = {"brew", "list", "--formula", package};
  else
    argv = {"brew", "list", "--cask", package};
  if (util::find_on_path(argv[0], search_path()).empty()) return Presence::cannot_check;
  auto result = run_process(argv, ProcessOptions{});
  if (!result || result->timed_out) return Presence::cannot_check;
  if (recipe::is_action(action, recipe::ActionKind::apt_install)) {
    return result->exit_code == 0 && result->output.find("install ok installed") != std::string::npos
               ? Presence::present
               : Presence::missing;
  }
  return result->exit_code == 0 ? Presence::present : Presence::missing;
}

// The problem with a require_command step, "" when satisfied.
std::string check_command(const ordered_json& params, const std::string& tool) {
  std::string command = string_param(params, "command");
  static const std::string k_forbidden = "/\\|&;$`\"'<>(){}[]!*?~";
  bool bad = command.empty() || std::any_of(command.begin(), command.end(), [](char c) {
               return static_cast<unsigned char>(c) <= ' ' || c == 0x7f || k_forbidden.find(c) != std::string::npos;
             });
  if (bad) return fmt::format("invalid command name '{}' in require_command (required by {})", command, tool);
  if (util::find_on_path(command, search_path()).empty())
    return fmt::format("command '{}' not found in PATH (required by {})", command, tool);
  std::string minimum = string_param(params, "min_version");
  if (minimum.empty()) return "";
  std::string flag = string_param(params, "version_flag");
  std::string pattern = string_param(params, "version_regex");
  auto result = run_process({command, flag.empty() ? "--version" : flag}, ProcessOptions{});
  if (!result) return result.error().message;
  if (result->timed_out || result->exit_code != 0) {
    return fmt::format("'{} {}' failed (exit {}) while checking its version (required by {})", command, flag,
                       result->exit_code, tool);
  }
  std::smatch match;
  std::string detected;
  try {
    std::regex re(pattern.empty() ? std::string(R"((\d+(?:\.\d+)*))") : pattern);
    if (std::regex_search(result->output, match, re) && match.size() > 1) detected = match[1].str();
  } catch (const std::regex_error&) {
    return fmt::format("invalid version_regex '{}' in require_command (required by {})", pattern, tool);
  }
  if (detected.empty())
    return fmt::format("cannot find a version of '{}' in its output (required by {})", command, tool);
  if (compare_versions_padded(detected, minimum) < 0) {
    return fmt::format("command '{}' version {} does not meet minimum {} (required by {})", command, detected, minimum,
                       tool);
  }
  return "";
}

struct Findings {
  std::map<std::string, std::vector<std::string>> missing;  // action -> packages
  std::map<std::string, std::vector<std::string>> repos;    // action -> repository commands
  std::vector<std::string> problems;                        // require_command, group_add
  std::vector<std::string> notes;
};

// `node`: the plan or one of its dependencies, which name their parts alike.
template <typename PlanNode>
void walk(const PlanNode& node, Findings& found, const std::string& prefix) {
  const std::string& tool = node.tool;
  for (const plan::DependencyPlan& dep : node.dependencies) walk(dep, found, prefix);
  if (!node.steps) return;
  for (const plan::PlanStep& step : *node.steps) {
    const std::string& action = step.action;
    const ordered_json params = plan::to_ordered(step.params);
    if (const Manager* m = manager_for(action)) {
      for (const auto& package : string_list(params, "packages")) {
        Presence p = query(action, package);
        if (p == Presence::missing) found.missing[action].push_back(package);
        if (p == Presence::cannot_check)
          found.notes.push_back(
              fmt::format("cannot check whether {} package {} is installed ({})", action, package, m->install_command));
      }
    } else if (recipe::is_action(action, recipe::ActionKind::apt_ppa)) {
      found.repos["apt_install"].push_back(prefix + "add-apt-repository -y ppa:" + string_param(params, "ppa"));
    } else if (recipe::is_action(action, recipe::ActionKind::apt_repo)) {
      found.repos["apt_install"].push_back(fmt::format("add the apt repository {} (key {})",
                                                       string_param(params, "url"), string_param(params, "key_url")));
    } else if (recipe::is_action(action, recipe::ActionKind::dnf_repo)) {
      found.repos["dnf_install"].push_back(prefix + "dnf config-manager --add-repo " + string_param(params, "url"));
    } else if (recipe::is_action(action, recipe::ActionKind::require_command) ||
               recipe::is_action(action, recipe::ActionKind::require_system)) {
      if (std::string problem = check_command(params, tool); !problem.empty()) found.problems.push_back(problem);
    } else if (recipe::is_action(action, recipe::ActionKind::group_add)) {
      std::string group = string_param(params, "group");
      struct group* g = ::getgrnam(group.c_str());
      std::vector<gid_t> groups(static_cast<size_t>(std::max(::getgroups(0, nullptr), 0)));
      int count = ::getgroups(static_cast<int>(groups.size()), groups.data());
      bool member =
          g != nullptr && (g->gr_gid == ::getgid() || std::find(groups.begin(), groups.begin() + std::max(count, 0),
                                                                g->gr_gid) != groups.begin() + std::max(count, 0));
      if (!member)
        found.problems.push_back(fmt::format("you are not in group '{}' (required by {}); run: {}usermod -aG {} $USER",
                                             group, tool, prefix, group));
    } else if (recipe::is_action(action, recipe::ActionKind::service_enable) ||
               recipe::is_action(action, recipe::ActionKind::service_start)) {
      found.notes.push_back(
          fmt::format("make sure the service is set up: {}systemctl {} {}", prefix,
                      recipe::is_action(action, recipe::ActionKind::service_enable) ? "enable" : "start",
                      string_param(params, "service")));
    } else if (recipe::is_action(action, recipe::ActionKind::manual)) {
      found.notes.push_back(string_param(params, "text"));
    }
  }
}

}  // namespace

bool is_system_action(const std::string& action) {
  const std::optional<recipe::ActionKind> kind = recipe::action_kind(action);
  return kind && recipe::action_traits(*kind).execution == recipe::ActionExecution::checked;
}

std::string root_prefix() {
  if (::geteuid() == 0) return "";
  if (!util::find_on_path("sudo", search_path()).empty()) return "sudo ";
  if (!util::find_on_path("doas", search_path()).empty()) return "doas ";
  return "";
}

int compare_versions_padded(std::string a, std::string b) {
  if (!a.empty() && a.front() == 'v') a.erase(0, 1);
  if (!b.empty() && b.front() == 'v') b.erase(0, 1);
  auto pa = util::split(a, '.');
  auto pb = util::split(b, '.');
  size_t n = std::max(pa.size(), pb.size());
  pa.resize(n, "0");
  pb.resize(n, "0");
  for (size_t i = 0; i < n; ++i) {
    bool numeric = !pa[i].empty() && !pb[i].empty() && pa[i].find_first_not_of("0123456789") == std::string::npos &&
                   pb[i].find_first_not_of("0123456789") == std::string::npos;
    int c = 0;
    if (numeric) {
      unsigned long long x = std::stoull(pa[i]);
      unsigned long long y = std::stoull(pb[i]);
      c = x < y ? -1 : (x > y ? 1 : 0);
    } else {
      c = pa[i].compare(pb[i]);
    }
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

Status check_system_requirements(const plan::Plan& plan, const util::Output& output) {
  std::string prefix = root_prefix();
  Findings found;
  walk(plan, found, prefix);
  for (const auto& note : found.notes) output.info("note: {}", note);
  if (found.missing.empty() && found.problems.empty()) return {};
  std::vector<std::string> commands;
  std::vector<std::string> all_missing;
  for (const auto& [action, packages] : found.missing) {
    std::vector<std::string> parts = found.repos[action];
    parts.push_back(prefix + manager_for(action)->install_command + " " + util::join(packages, " "));
    commands.push_back(util::join(parts, " && "));
    all_missing.insert(all_missing.end(), packages.begin(), packages.end());
  }
  std::string message;
  if (!all_missing.empty()) {
    message = fmt::format("missing system packages: [{}] (install with: {}{})", util::join(all_missing, " "),
                          prefix.empty() && ::geteuid() != 0 ? "run as root: " : "", util::join(commands, "; "));
    output.info("This install needs system packages that are not installed. Run:");
    for (const auto& c : commands) output.info("  {}", c);
    output.info("then run the install command again.");
  }
  for (const auto& problem : found.problems) message += (message.empty() ? "" : "; ") + problem;
  return fail(ErrorKind::system_deps, "{}", message);
}

}  // namespace tailor::install
