#include "app/doctor.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "app/doctor_checks.hpp"
#include "coord/lock.hpp"
#include "install/recovery.hpp"
#include "util/strings.hpp"

namespace tailor::app {
namespace fs = std::filesystem;
namespace {

// What a library function printed while --fix ran it, one entry per line, without "warning: ".
std::vector<std::string> captured_lines(const std::ostringstream& stream) {
  std::vector<std::string> lines;
  for (std::string line : util::split(stream.str(), '\n')) {
    if (line.starts_with("warning: ")) line.erase(0, 9);
    if (!line.empty()) lines.push_back(std::move(line));
  }
  return lines;
}

// bin/<name> -> target of every symlink in bin/.
std::map<std::string, std::string> bin_links(const install::Layout& layout) {
  std::map<std::string, std::string> links;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.bin(), ec)) {
    if (fs::is_symlink(fs::symlink_status(entry.path(), ec)))
      links[entry.path().string()] = fs::read_symlink(entry.path(), ec).string();
  }
  return links;
}

// What recovery did to bin/, which it does without a word.
std::vector<std::string> link_changes(const std::map<std::string, std::string>& before,
                                      const std::map<std::string, std::string>& after) {
  std::vector<std::string> lines;
  for (const auto& [link, target] : after) {
    auto was = before.find(link);
    if (was == before.end())
      lines.push_back(fmt::format("linked {} -> {}", link, target));
    else if (was->second != target)
      lines.push_back(fmt::format("relinked {} -> {} (it pointed to {})", link, target, was->second));
  }
  for (const auto& [link, target] : before) {
    if (!after.contains(link)) lines.push_back(fmt::format("removed {} (it pointed to {})", link, target));
  }
  return lines;
}

}  // namespace

std::string_view check_status_name(CheckStatus status) {
  switch (status) {
  case CheckStatus::ok: return "ok";
  case CheckStatus::warn: return "warn";
  case CheckStatus::fail: return "fail";
  }
  return "fail";
}

CheckStatus DoctorReport::overall() const {
  CheckStatus worst = CheckStatus::ok;
  for (const auto& check : checks) worst = std::max(worst, check.status);
  return worst;
}

DoctorReport run_doctor(const DoctorRequest& request) {
  const install::Layout& layout = request.layout;
  std::error_code ec;
  // The lock is judged as it was before --fix takes it.
  DoctorCheck lock_check = doctor::check_lock(request, "");
  doctor::FixState fix;
  fix.enabled = request.fix;
  std::optional<coord::InstallLock> lock;
  std::vector<std::string> recovered;
  std::vector<std::string> links_fixed;
  if (request.fix && fs::exists(layout.root, ec)) {
    std::ostringstream said;
    util::Output capture{&said, &said};
    auto taken = coord::acquire_install_lock(
        {layout.root, "tailor doctor --fix", std::chrono::milliseconds(0), "", &capture, true});
    if (taken) {
      lock.emplace(std::move(*taken));
      fix.locked = true;
      for (const std::string& line : captured_lines(said)) {
        if (line.starts_with("replacing a stale lock holder file")) lock_check = doctor::check_lock(request, line);
      }
      // Links first, so each repair is named; recovery then deletes only what a dead tailor
      // operation marked (install/recovery.hpp) and moves the links into what it deleted.
      links_fixed = doctor::check_links(request, fix).fixed;
      auto before = bin_links(layout);
      std::ostringstream cleaned;
      util::Output recovery_output{&cleaned, &cleaned};
      install::recover_home(layout, recovery_output);
      recovered = captured_lines(cleaned);
      for (std::string& line : link_changes(before, bin_links(layout))) links_fixed.push_back(std::move(line));
    } else {
      fix.refused = taken.error().message;
    }
  }
  DoctorReport report;
  report.checks.push_back(doctor::check_path(request));
  report.checks.push_back(doctor::check_home(request));
  // After the repairs the links are checked as they are now; what --fix did is kept.
  DoctorCheck links = doctor::check_links(request, fix.locked ? doctor::FixState{} : fix);
  links.fixed = std::move(links_fixed);
  report.checks.push_back(std::move(links));
  DoctorCheck leftovers = doctor::check_leftovers(request, fix);
  leftovers.fixed.insert(leftovers.fixed.begin(), recovered.begin(), recovered.end());
  report.checks.push_back(std::move(leftovers));
  report.checks.push_back(std::move(lock_check));
  report.checks.push_back(doctor::check_caches(request));
  report.checks.push_back(doctor::check_config(request));
  report.checks.push_back(doctor::check_detection(request));
  return report;
}

nlohmann::ordered_json doctor_to_json(const DoctorReport& report) {
  auto checks = nlohmann::ordered_json::array();
  nlohmann::ordered_json summary = {{"ok", 0}, {"warn", 0}, {"fail", 0}};
  for (const auto& check : report.checks) {
    std::string status(check_status_name(check.status));
    summary[status] = summary[status].get<int>() + 1;
    checks.push_back({{"name", check.name},
                      {"status", status},
                      {"message", check.message},
                      {"fix", check.fix},
                      {"details", check.details},
                      {"fixed", check.fixed}});
  }
  return {{"status", check_status_name(report.overall())}, {"checks", checks}, {"summary", summary}};
}

std::string format_doctor(const DoctorReport& report) {
  std::string out;
  for (const auto& check : report.checks) {
    out += fmt::format("{:<5} {}: {}", check_status_name(check.status), check.name, check.message);
    if (check.status != CheckStatus::ok && !check.fix.empty()) out += fmt::format("; fix: {}", check.fix);
    out += '\n';
    for (const auto& line : check.fixed) out += fmt::format("      fixed: {}\n", line);
  }
  return out;
}

}  // namespace tailor::app
