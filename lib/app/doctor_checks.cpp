#include "app/doctor_checks.hpp"

#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "config/caches.hpp"
#include "config/config.hpp"
#include "coord/reservation.hpp"
#include "install/home_problems.hpp"
#include "install/link_owners.hpp"
#include "install/links.hpp"
#include "install/state.hpp"
#include "util/strings.hpp"

namespace tailor::app::doctor {
namespace fs = std::filesystem;
namespace {

DoctorCheck make(std::string name, CheckStatus status, std::string message, std::string fix = "") {
  DoctorCheck check;
  check.name = std::move(name);
  check.status = status;
  check.message = std::move(message);
  check.fix = std::move(fix);
  return check;
}

void raise(DoctorCheck& check, CheckStatus status) { check.status = std::max(check.status, status); }

std::string user_name(uint32_t uid) {
  if (const passwd* entry = ::getpwuid(uid)) return entry->pw_name;
  return std::to_string(uid);
}

bool home_exists(const DoctorRequest& request) {
  std::error_code ec;
  return fs::exists(request.layout.root, ec);
}

// The binary each command name of bin/ should run: its owner's (install/link_owners.hpp, the
// rule install and remove follow). Hidden dependencies have no links.
std::map<std::string, fs::path> wanted_links(const install::Layout& layout, const install::State& state) {
  std::map<std::string, fs::path> wanted;
  for (const auto& [name, tool] : state.installed) {
    auto version = tool.versions.find(tool.active_version);
    if (tool.is_hidden || version == tool.versions.end()) continue;
    for (const std::string& binary : version->second.binaries) {
      std::string command = fs::path(binary).filename().string();
      if (command.empty() || wanted.contains(command)) continue;
      if (auto owner = install::command_owner(state, command))
        wanted.emplace(command, layout.tool_dir(owner->tool, owner->version) / owner->binary);
    }
  }
  return wanted;
}

// A link tailor makes always points into tools/: a link elsewhere is someone else's.
bool points_into_tools(const install::Layout& layout, const fs::path& target) {
  std::string tools = layout.tools().lexically_normal().string() + "/";
  return target.lexically_normal().string().starts_with(tools);
}

}  // namespace

DoctorCheck check_path(const DoctorRequest& request) {
  fs::path bin = request.layout.bin();
  std::error_code ec;
  for (const std::string& entry : util::split(request.path_env, ':')) {
    std::string trimmed = entry;
    while (trimmed.size() > 1 && trimmed.ends_with('/')) trimmed.pop_back();
    if (trimmed.empty()) continue;
    fs::path dir(trimmed);
    if (dir.lexically_normal() == bin.lexically_normal() ||
        (fs::exists(dir, ec) && fs::exists(bin, ec) && fs::equivalent(dir, bin, ec))) {
      return make("path", CheckStatus::ok, fmt::format("{} is on PATH", bin.string()));
    }
  }
  return make("path", CheckStatus::warn,
              fmt::format("{} is not on PATH, so installed tools do not run by name", bin.string()),
              "add `eval \"$(tailor shellenv)\"` to your shell's start-up file (~/.bashrc, ~/.zshrc; fish: "
              "`tailor shellenv --shell fish | source` in config.fish)");
}

DoctorCheck check_home(const DoctorRequest& request) {
  const install::Layout& layout = request.layout;
  if (!home_exists(request)) {
    return make("home", CheckStatus::ok,
                fmt::format("{} does not exist yet; the first install makes it", layout.root.string()));
  }
  DoctorCheck check = make("home", CheckStatus::ok, "");
  if (auto dirs = install::check_home_dirs(layout); !dirs) {
    raise(check, CheckStatus::fail);
    check.details.push_back(dirs.error().message);
  }
  std::set<std::string> owners;
  bool open_modes = false;
  for (const fs::path& path : {layout.root, layout.tools(), layout.bin(), layout.tmp(), layout.state_file()}) {
    struct stat st {};
    // The home itself may be a symlink (docs/home-layout.md, "Symlinks"): follow it, nothing else.
    int rc = path == layout.root ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
    if (rc != 0) continue;
    if (st.st_uid != request.uid) {
      raise(check, CheckStatus::fail);
      owners.insert(user_name(st.st_uid));
      check.details.push_back(
          fmt::format("{} belongs to {}, not to {}", path.string(), user_name(st.st_uid), user_name(request.uid)));
    }
    if (S_ISDIR(st.st_mode) && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
      raise(check, CheckStatus::fail);
      open_modes = true;
      check.details.push_back(
          fmt::format("{} is writable by others (mode {:04o}): anyone could replace the tools "
                      "it holds",
                      path.string(), st.st_mode & 07777));
    }
  }
  if (check.status == CheckStatus::ok) {
    check.message = fmt::format("{} belongs to {}; tools/, bin/ and tmp/ are directories writable only by you",
                                layout.root.string(), user_name(request.uid));
    return check;
  }
  check.message = util::join(check.details, "; ");
  std::vector<std::string> fixes;
  if (!owners.empty()) {
    fixes.push_back(fmt::format("`sudo chown -R {} {}` (a `sudo tailor ...` left files of {})", user_name(request.uid),
                                layout.root.string(),
                                util::join(std::vector<std::string>(owners.begin(), owners.end()), ", ")));
  }
  if (open_modes) fixes.push_back(fmt::format("`chmod go-w` on each directory named"));
  if (fixes.empty()) fixes.push_back("replace each of tools/, bin/, tmp/ named with a directory");
  check.fix = util::join(fixes, "; ");
  return check;
}

DoctorCheck check_links(const DoctorRequest& request, const FixState& fix) {
  const install::Layout& layout = request.layout;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(layout.bin(), ec))) {
    return make("links", CheckStatus::ok, "no bin/ directory yet (or it is not one: see home)");
  }
  auto state = install::read_state(layout);
  if (!state) return make("links", CheckStatus::warn, "not checked: state.json cannot be read (see leftovers)");
  std::map<std::string, fs::path> wanted = wanted_links(layout, *state);
  DoctorCheck check = make("links", CheckStatus::ok, "");
  size_t links = 0;
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(layout.bin(), ec)) entries.push_back(entry.path());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& link : entries) {
    std::string name = link.filename().string();
    if (name.starts_with(".")) continue;  // a link being switched (temporary name); recovery owns those
    if (!fs::is_symlink(fs::symlink_status(link, ec))) {
      check.details.push_back(fmt::format("{} is not a link tailor made; tailor leaves it alone", link.string()));
      raise(check, CheckStatus::warn);
      continue;
    }
    ++links;
    fs::path target = fs::read_symlink(link, ec);
    fs::path resolved = target.is_absolute() ? target : link.parent_path() / target;
    if (fs::exists(resolved, ec)) continue;
    if (!points_into_tools(layout, resolved)) {
      raise(check, CheckStatus::warn);
      check.details.push_back(
          fmt::format("{} points to {}, which does not exist; it is no link tailor made, so "
                      "tailor leaves it alone",
                      link.string(), target.string()));
      continue;
    }
    auto it = wanted.find(name);
    bool repaired = false;
    if (fix.locked && it != wanted.end() && fs::exists(it->second, ec)) {
      repaired = static_cast<bool>(install::replace_symlink(link, it->second));
      if (repaired)
        check.fixed.push_back(fmt::format("relinked {} -> {} (it pointed to the missing {})", link.string(),
                                          it->second.string(), target.string()));
    } else if (fix.locked && it == wanted.end()) {
      repaired = fs::remove(link, ec);
      if (repaired)
        check.fixed.push_back(fmt::format("removed {} (it pointed to the missing {}; no installed tool provides {})",
                                          link.string(), target.string(), name));
    }
    if (repaired) continue;
    raise(check, CheckStatus::fail);
    if (it != wanted.end() && !fs::exists(it->second, ec)) {
      // The installed binary itself is gone: a link cannot mend that, a reinstall can.
      check.details.push_back(
          fmt::format("{} is broken: it points to {}, and the active {} is missing too "
                      "(`tailor verify` names the reinstall that restores it)",
                      link.string(), target.string(), it->second.string()));
      continue;
    }
    check.details.push_back(
        fmt::format("{} is broken: it points to {}, which does not exist", link.string(), target.string()));
  }
  for (const auto& [name, file] : wanted) {
    fs::path link = layout.bin() / name;
    if (fs::exists(fs::symlink_status(link, ec)) || !fs::exists(file, ec)) continue;
    if (fix.locked && install::replace_symlink(link, file)) {
      check.fixed.push_back(fmt::format("linked {} -> {} (the link was missing)", link.string(), file.string()));
      ++links;
      continue;
    }
    raise(check, CheckStatus::fail);
    check.details.push_back(fmt::format("{} is missing: the active {} is not linked", link.string(), file.string()));
  }
  if (check.status == CheckStatus::ok) {
    check.message = fmt::format("{} link{} in {}, none broken", links, links == 1 ? "" : "s", layout.bin().string());
    return check;
  }
  check.message = util::join(check.details, "; ");
  if (check.status == CheckStatus::fail) {
    check.fix = fix.enabled && !fix.locked ? fmt::format("not repaired: {}", fix.refused)
                                           : "`tailor doctor --fix` points each link at the active version "
                                             "(or removes a link no installed tool provides)";
  }
  return check;
}

DoctorCheck check_leftovers(const DoctorRequest& request, const FixState& fix) {
  const install::Layout& layout = request.layout;
  if (!home_exists(request)) return make("leftovers", CheckStatus::ok, "nothing installed yet");
  std::vector<install::HomeProblem> problems;
  for (auto& problem : install::find_home_problems(layout)) {
    // tools/, bin/ and tmp/ themselves are the home check's.
    if (problem.path == layout.tools() || problem.path == layout.bin() || problem.path == layout.tmp()) continue;
    problems.push_back(std::move(problem));
  }
  DoctorCheck check = make("leftovers", CheckStatus::ok, "");
  bool interrupted = false;
  bool state_problem = false;
  for (const auto& problem : problems) {
    check.details.push_back(fmt::format("{}: {}", problem.path.string(), problem.message));
    if (problem.kind == "state") state_problem = true;
    if (problem.kind == "interrupted") interrupted = true;
    raise(check, problem.kind == "state" ? CheckStatus::fail : CheckStatus::warn);
  }
  if (problems.empty()) {
    check.message = "no leftovers of interrupted installs; nothing under tools/ that tailor did not make";
    return check;
  }
  check.message = fmt::format("{} thing{} under {} to look at: {}", problems.size(), problems.size() == 1 ? "" : "s",
                              layout.root.string(), util::join(check.details, "; "));
  std::vector<std::string> fixes;
  if (state_problem) fixes.push_back("`tailor state rebuild` writes state.json again from the install receipts");
  if (interrupted) {
    fixes.push_back(
        fix.enabled && !fix.locked
            ? fmt::format("leftovers not cleaned up: {}", fix.refused)
            : "`tailor doctor --fix` (or the next install or remove) deletes what dead tailor operations left");
  }
  if (fixes.empty()) fixes.push_back("each line says what it is; tailor leaves these alone");
  check.fix = util::join(fixes, "; ");
  return check;
}

DoctorCheck check_lock(const DoctorRequest& request, const std::string& holder_replaced) {
  if (!home_exists(request)) return make("lock", CheckStatus::ok, "no install lock or reservation");
  auto status = coord::read_lock_status(request.layout.root);
  if (!status) {
    return make("lock", CheckStatus::warn,
                fmt::format("the reservation file cannot be read: {}", status.error().message),
                "`tailor lock release --force` replaces it");
  }
  DoctorCheck check = make("lock", CheckStatus::ok, "");
  std::vector<std::string> parts;
  std::vector<std::string> fixes;
  if (status->install_lock_held) {
    parts.push_back(fmt::format("the install lock is held by {} (an operation is running)",
                                coord::describe_holder(status->holder)));
  } else if (status->holder_stale && holder_replaced.empty()) {
    raise(check, CheckStatus::warn);
    parts.push_back(fmt::format("a stale lock holder file: {} died holding the install lock",
                                coord::describe_holder(status->holder)));
    fixes.push_back("`tailor doctor --fix` removes it (the next install replaces it anyway)");
  } else {
    parts.push_back("the install lock is free");
  }
  if (!holder_replaced.empty()) check.fixed.push_back(holder_replaced);
  if (status->live) {
    parts.push_back(coord::describe_reservation(*status->live));
  } else if (status->state.reservation) {
    raise(check, CheckStatus::warn);
    parts.push_back(fmt::format("an expired reservation: {}", coord::describe_reservation(*status->state.reservation)));
    fixes.push_back("`tailor lock release --force --reason ...` clears it (installs already ignore it)");
  } else {
    parts.push_back("no reservation");
  }
  check.message = util::join(parts, "; ");
  check.fix = util::join(fixes, "; ");
  return check;
}

DoctorCheck check_caches(const DoctorRequest& request) {
  DoctorCheck check = make("caches", CheckStatus::ok, "");
  uint64_t total = 0;
  std::vector<std::string> parts;
  for (const auto& usage : config::cache_usage(request.layout.root)) {
    total += usage.bytes;
    parts.push_back(fmt::format("{} {}", usage.name, util::human_size(usage.bytes)));
    check.details.push_back(
        fmt::format("{}: {} in {} entries", usage.name, util::human_size(usage.bytes), usage.entries));
    if (usage.name == "downloads" && usage.bytes > request.downloads_warn_bytes) {
      raise(check, CheckStatus::warn);
      check.fix = fmt::format("`tailor cache clear downloads` frees {} (downloads are fetched again when needed)",
                              util::human_size(usage.bytes));
    }
  }
  check.message = fmt::format("{} in all ({})", util::human_size(total), util::join(parts, ", "));
  return check;
}

DoctorCheck check_config(const DoctorRequest& request) {
  // Every key counts as unused here, so an invalid value is a warning, not a stop.
  auto config = config::load_config(request.layout.root, nullptr, config::uses::none);
  fs::path file = request.layout.config_file();
  if (!config) {
    return make("config", CheckStatus::fail, config.error().message,
                fmt::format("edit {} (or `tailor config unset KEY`)", file.string()));
  }
  std::error_code ec;
  if (config->warnings().empty()) {
    return make("config", CheckStatus::ok,
                fs::exists(file, ec) ? fmt::format("{} reads without warnings", file.string())
                                     : fmt::format("no {}: every key has its default", file.string()));
  }
  DoctorCheck check = make(
      "config", CheckStatus::warn, util::join(config->warnings(), "; "),
      fmt::format("edit {} as each warning says (`tailor config list` shows the values in effect)", file.string()));
  check.details = config->warnings();
  return check;
}

DoctorCheck check_detection(const DoctorRequest& request) {
  auto facts = platform::resolve_facts(request.detect);
  if (!facts) {
    return make("detection", CheckStatus::warn, fmt::format("detection failed: {}", facts.error().message),
                "`tailor detect --explain` shows what was read");
  }
  std::string machine = fmt::format("{}/{}", facts->os, facts->arch);
  if (!facts->linux_family.empty()) machine += "/" + facts->linux_family;
  machine += fmt::format(", GPU {}", facts->gpu.empty() ? "unknown" : facts->gpu);
  if (!facts->gpu_driver.empty()) machine += fmt::format(" (driver {})", facts->gpu_driver);
  if (facts->warnings.empty()) return make("detection", CheckStatus::ok, machine + "; no warnings");
  DoctorCheck check =
      make("detection", CheckStatus::warn, fmt::format("{}; {}", machine, util::join(facts->warnings, "; ")),
           "each warning names its cause; `tailor detect --explain` shows the evidence");
  check.details = facts->warnings;
  return check;
}

}  // namespace tailor::app::doctor
