// `tailor install` without tool names (docs/projects.md, "Installing a project").
#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "app/mirror_pull.hpp"
#include "app/prefetch.hpp"
#include "app/project.hpp"
#include "config/home.hpp"
#include "coord/lock.hpp"
#include "fetch/curl_downloader.hpp"
#include "fetch/fetch_config.hpp"
#include "install/bundle.hpp"
#include "install/extract.hpp"
#include "install/operations.hpp"
#include "install/plan_check.hpp"
#include "install/runnable.hpp"

namespace tailor::app {
namespace {

// The project's tools planned here, as `tailor install a b c` does: tools that share a
// backend are installed together, each group's failures reported per tool.
Result<InstallReport> install_unlocked(const ProjectInstallRequest& request, const project::ProjectFile& project,
                                       const util::Output& output, const SessionSeams& seams) {
  std::vector<std::string> backends;
  std::map<std::string, std::vector<std::string>> groups;
  for (const auto& tool : project.tools) {
    if (!groups.contains(tool.backend)) backends.push_back(tool.backend);
    groups[tool.backend].push_back(tool.install_name());
  }
  if (backends.size() == 1) {
    InstallRequest one = request.install;
    one.tools = groups[backends.front()];
    one.plan.backend = backends.front();
    return install_tools(one, output, seams);
  }
  InstallReport total;
  for (const auto& backend : backends) {
    InstallRequest group = request.install;
    group.tools = groups[backend];
    group.plan.backend = backend;
    auto report = install_tools(group, output, seams);
    if (!report) {
      for (const auto& tool : group.tools) total.tools.push_back({tool, tool, report.error(), false});
      continue;
    }
    total.bin = report->bin;
    if (report->tools.empty()) {
      const std::string label = report->plans.empty()
                                    ? group.tools.front()
                                    : report->plans.front().tool + "@" + report->plans.front().version;
      total.tools.push_back({group.tools.front(), label, std::nullopt, report->outcome.installed.empty()});
    }
    for (auto& tool : report->tools) total.tools.push_back(std::move(tool));
    for (auto& plan : report->plans) total.plans.push_back(std::move(plan));
    auto& outcome = total.outcome;
    outcome.installed.insert(outcome.installed.end(), report->outcome.installed.begin(),
                             report->outcome.installed.end());
    outcome.skipped.insert(outcome.skipped.end(), report->outcome.skipped.begin(), report->outcome.skipped.end());
  }
  if (total.bin.empty()) total.bin = install::home_layout().bin();
  return total;
}

// The downloader of a locked install: the bundle of --from, else the host pool (with the
// registry of --mirror as its first host when given).
Result<std::unique_ptr<fetch::Downloader>> locked_downloader(const InstallRequest& request,
                                                             const std::optional<fetch::OciLocation>& registry,
                                                             const util::Output& output) {
  if (registry) {
    auto options = fetch::options_from_environment(&output, "install");
    if (!options) return fail(options.error());
    options->config = with_registry_mirror(std::move(options->config), *registry);
    return std::unique_ptr<fetch::Downloader>(std::make_unique<fetch::CurlDownloader>(std::move(*options)));
  }
  if (!request.from_dir.empty()) {
    auto bundle = install::BundleDownloader::open(request.from_dir);
    if (!bundle) return fail(bundle.error());
    return std::unique_ptr<fetch::Downloader>(std::make_unique<install::BundleDownloader>(std::move(*bundle)));
  }
  if (request.plan.offline)
    return fail(ErrorKind::usage, "--locked --offline needs --from DIR (a bundle made by `tailor fetch --lock`)");
  auto curl = fetch::CurlDownloader::from_environment(&output, "install");
  if (!curl) return fail(curl.error());
  return std::unique_ptr<fetch::Downloader>(std::move(*curl));
}

// How many tools of a project install at once.
size_t install_jobs() {
  const unsigned cores = std::thread::hardware_concurrency();
  return std::clamp<size_t>(cores, 2, 8);
}

// Every artifact of `plans`, once each, to be fetched together (in parallel over the host pool)
// and checked against the lock's checksums before any tool is committed.
Result<std::vector<fetch::FetchRequest>> lock_downloads(const std::vector<plan::Plan>& plans) {
  std::vector<fetch::FetchRequest> requests;
  std::set<std::string> seen;
  for (const auto& plan : plans) {
    for (const auto& artifact : install::plan_artifacts(plan)) {
      if (artifact.checksum.empty()) {
        return fail(ErrorKind::checksum,
                    "the lock has no checksum for {}; tailor installs only downloads it can check: run `tailor "
                    "resolve` with network access",
                    artifact.url);
      }
      if (!seen.insert(artifact.url).second) continue;
      requests.push_back(fetch::FetchRequest{artifact.url, artifact.fallback_urls,
                                             artifact.algo == "sha256" ? artifact.checksum : "", artifact.size});
    }
  }
  return requests;
}

// Exactly the lock's plans for this machine: checked against it, downloaded together, then
// installed at once, the install lock taken for each tool's commit only. The lock is
// the project's tailor.lock, or with --mirror the one pushed to that registry tag.
Result<InstallReport> install_locked(const ProjectInstallRequest& request, const project::ProjectFile* project,
                                     const util::Output& output, const SessionSeams& seams) {
  const InstallRequest& install = request.install;
  auto config = config::load_config(config::tailor_home(), &output, config::uses::all);
  if (!config) return fail(config.error());
  auto detect = install.plan.detect_request ? install.plan.detect_request(*config) : platform::DetectRequest{};
  detect.probe = "none";
  auto facts = seams.resolve_facts(detect);
  if (!facts) return fail(facts.error());
  std::optional<fetch::OciLocation> registry;
  std::string source;
  Result<LockedPlans> locked = fail(ErrorKind::failure, "no lock");
  if (project != nullptr) {
    source = project->lock_path().string();
    locked = locked_plans(*project, *facts);
  } else {
    auto options = fetch::options_from_environment(&output, "install");
    if (!options) return fail(options.error());
    auto pulled = pull_project_lock(request.mirror, options->config);
    if (!pulled) return fail(pulled.error());
    source = request.mirror;
    registry = pulled->where;
    locked = lock_plans(pulled->lock, *facts, std::nullopt, source);
  }
  if (!locked) return fail(locked.error());
  for (const plan::Plan& plan : locked->plans) {
    auto mismatches = install::check_plan_platform(plan, *facts, install.plan.force);
    if (!mismatches) return fail(mismatches.error());
    for (const auto& m : *mismatches) output.warn("--force: installing a plan made for {}", m);
  }
  output.info("installing {} tools from {} for {}", locked->plans.size(), source, locked->target);
  InstallReport report;
  report.bin = install::home_layout().bin();
  if (install.dry_run) {
    report.plans = std::move(locked->plans);
    return report;
  }
  auto downloads = lock_downloads(locked->plans);
  if (!downloads) return fail(downloads.error());
  auto downloader = locked_downloader(install, registry, output);
  if (!downloader) return fail(downloader.error());
  auto limits = install::extract_limits(*config);
  if (!limits) return fail(limits.error());
  auto lock = install::lock_options(install.lock_token, install.lock_timeout);
  if (!lock) return fail(lock.error());
  auto fetch_settings = fetch::fetch_config_from(*config);
  if (!fetch_settings) return fail(fetch_settings.error());
  // The downloads run ahead of the tools, which extract and verify as their artifacts come in;
  // the commits wait for all of them (install::InstallOptions::downloads_checked).
  Prefetch prefetch(**downloader, std::move(*downloads), static_cast<size_t>(fetch_settings->parallel));
  install::InstallOptions options;
  options.force = install.plan.force || install.reinstall;
  options.keep_failed = install.keep_failed;
  options.downloader = &prefetch;
  options.downloads_checked = prefetch.all_checked();
  options.source = source;
  options.run_host = install::run_host_of(*facts);
  options.run_host->only_warn = install.plan.force;
  options.limits = *limits;
  auto outcome =
      install::install_plans_at_once(install::home_layout(), locked->plans, options, *lock, output, install_jobs());
  if (!outcome) return fail(outcome.error());
  report.outcome = std::move(*outcome);
  report.plans = std::move(locked->plans);
  return report;
}

}  // namespace

Result<InstallReport> install_project(const ProjectInstallRequest& request, const util::Output& output,
                                      const SessionSeams& seams) {
  if (!request.install.plan_file.empty())
    return fail(ErrorKind::usage, "--plan FILE installs one plan; leave it out to install the project's tools");
  if (!request.mirror.empty()) {
    // The pulled lock is the whole answer: no tailor.toml needed, and a local one is not read.
    if (!request.locked) return fail(ErrorKind::usage, "--mirror goes with --locked");
    if (!request.install.from_dir.empty())
      return fail(ErrorKind::usage, "--mirror and --from DIR cannot be combined: the artifacts come from one of them");
    if (request.install.plan.offline)
      return fail(ErrorKind::usage, "--mirror needs the network to reach the registry; drop --offline");
    return install_locked(request, nullptr, output, seams);
  }
  auto project = project::load_project(request.start);
  if (!project) {
    if (project.error().kind == ErrorKind::usage) {
      return fail(ErrorKind::usage, "name at least one tool, or pass --plan FILE, or run in a project ({})",
                  project.error().message);
    }
    return fail(project.error());
  }
  if (project->tools.empty())
    return fail(ErrorKind::failure, "{} lists no tools under [tools]", project->path.string());
  output.info("project {}", project->path.string());
  if (request.locked) return install_locked(request, &*project, output, seams);
  return install_unlocked(request, *project, output, seams);
}

}  // namespace tailor::app
