#include "app/install.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "config/home.hpp"
#include "coord/lock.hpp"
#include "fetch/curl_downloader.hpp"
#include "fetch/download_cache.hpp"
#include "install/archive_api.hpp"
#include "install/bundle.hpp"
#include "install/ecosystem.hpp"
#include "install/extract.hpp"
#include "install/operations.hpp"
#include "install/plan_check.hpp"
#include "install/runnable.hpp"
#include "registry/source_ref.hpp"
#include "util/error_kinds.hpp"
#include "util/shared_library.hpp"
#include "util/strings.hpp"

namespace tailor::app {
namespace {

// Where the recipe of every tool of `node`'s tree came from, for the state. A root planned
// from --recipe FILE is not a registry recipe and is left out.
template <typename Node>
void collect_provenance(const Node& node, const recipe::Registry& registry, bool skip_root,
                        std::map<std::string, recipe::Provenance>& out) {
  if (!skip_root && !node.tool.empty() && !out.contains(node.tool)) {
    if (auto provenance = registry.provenance(node.tool)) out.emplace(node.tool, std::move(*provenance));
  }
  for (const plan::DependencyPlan& dep : node.dependencies) collect_provenance(dep, registry, false, out);
}

// Downloads without a checksum: tailor installs none of them (lib/install/steps.cpp). Plans
// from a lock without checksums (--pin-from, --offline) or hand-made plan files have them.
struct Unhashed {
  std::vector<std::string> urls;
  std::string tool;  // "name@version" of the first plan that has one

  void add(const plan::Plan& plan) {
    for (const auto& artifact : install::plan_artifacts(plan)) {
      if (!artifact.checksum.empty()) continue;
      urls.push_back(artifact.url);
      if (tool.empty()) tool = plan.tool + "@" + plan.version;
    }
  }
};

// The plans to execute: the stored one (re-checked against this machine) or one per tool.
// With exactly one tool named, `single` keeps its planned tool (the backend path).
struct Plans {
  std::vector<plan::Plan> plans;
  Unhashed unhashed;
  std::optional<PlannedTool> single;
  std::map<std::string, recipe::Provenance> provenance;
  std::optional<platform::Facts> machine;  // this machine's facts, for the can-it-run-here check
};

Result<Plans> make_plans(const InstallRequest& request, std::optional<plan::Plan> stored, fetch::Downloader* downloader,
                         const config::Config& config, const util::Output& output, const SessionSeams& seams) {
  Plans made;
  if (stored) {
    auto detect = request.plan.detect_request ? request.plan.detect_request(config) : platform::DetectRequest{};
    auto facts = seams.resolve_facts(detect);
    if (!facts) return fail(facts.error());
    auto mismatches = install::check_plan_platform(*stored, *facts, request.plan.force);
    if (!mismatches) return fail(mismatches.error());
    for (const auto& m : *mismatches) output.warn("--force: installing a plan made for {}", m);
    made.machine = std::move(*facts);
    made.unhashed.add(*stored);
    made.plans.push_back(std::move(*stored));
    return made;
  }
  for (const auto& tool : request.tools) {
    PlanSessionOptions options = request.plan;
    options.tool = tool;
    auto session = open_plan_session(options, output, seams);
    if (!session) return fail(session.error());
    if (!made.machine) made.machine = (*session)->facts;
    (*session)->services.downloader = downloader;
    // Install never falls back to "dev" for a recipe that has a version source.
    (*session)->request.require_version = true;
    auto outcome = plan::generate_plan((*session)->request, (*session)->services);
    if (!outcome) return fail(outcome.error());
    for (const auto& warning : outcome->warnings) output.warn("{}", warning);
    if (auto visible = check_gpu_visible(**session, *outcome, request.strict_gpu, output); !visible)
      return fail(visible.error());
    // The choice of a backend is never silent: install always explains it.
    if (request.explain || !output.quiet) print_ladder(*outcome, output);
    collect_provenance(outcome->value, *(*session)->registry, (*session)->request.recipe != nullptr, made.provenance);
    made.unhashed.add(outcome->value);
    made.plans.push_back(outcome->value);
    if (request.tools.size() == 1) made.single = PlannedTool{std::move(*session), std::move(*outcome)};
  }
  return made;
}

Result<std::unique_ptr<fetch::Downloader>> open_downloader(const InstallRequest& request, const util::Output& output) {
  if (!request.from_dir.empty()) {
    auto bundle = install::BundleDownloader::open(request.from_dir);
    if (!bundle) return fail(bundle.error());
    return std::unique_ptr<fetch::Downloader>(std::make_unique<install::BundleDownloader>(std::move(*bundle)));
  }
  if (request.plan.offline && !request.plan_file.empty()) {
    return fail(ErrorKind::usage, "--offline with --plan needs --from DIR (a bundle made by `tailor fetch`)");
  }
  auto curl = fetch::CurlDownloader::from_environment(&output, "install");
  if (!curl) return fail(curl.error());
  return std::unique_ptr<fetch::Downloader>(std::move(*curl));
}

// What to say about `unhashed` downloads: their URLs and how to get checksums
// (docs/planning.md, "Locks").
std::optional<std::string> unhashed_message(const InstallRequest& request, const Unhashed& unhashed) {
  const std::vector<std::string>& urls = unhashed.urls;
  const std::string& tool = unhashed.tool;
  if (urls.empty()) return std::nullopt;
  std::string message = fmt::format(
      "{} download{} of {} {} no checksum, and tailor installs only downloads it can "
      "check{}:",
      urls.size(), urls.size() == 1 ? "" : "s", tool, urls.size() == 1 ? "has" : "have",
      request.plan.offline ? " (offline it cannot hash them either)" : "");
  for (const auto& url : urls) message += "\n  " + url;
  message += fmt::format(
      "\nto get checksums, plan with network access and without the unhashed lock: `tailor eval {} > plan.json` "
      "downloads and hashes every artifact; then `tailor install --offline --pin-from plan.json`, or for a machine "
      "without network `tailor fetch --plan plan.json --into DIR` and `tailor install --plan plan.json --from DIR`",
      tool);
  return message;
}

}  // namespace

Result<install::LockOptions> lock_options(const InstallRequest& request) {
  return install::lock_options(request.lock_token, request.lock_timeout);
}

Installer real_installer(const install::Layout& layout, const install::LockOptions& lock, const util::Output& output) {
  Installer installer;
  installer.install = [&layout, lock, &output](const std::vector<plan::Plan>& plans,
                                               const install::InstallOptions& options) {
    return install::install_plans(layout, plans, options, lock, output);
  };
  installer.remove = [&layout, lock, &output](const std::string& tool, const std::string& version) -> Status {
    auto removed = install::remove_tools(layout, tool, version, true, lock, output);
    if (!removed) return fail(removed.error());
    return {};
  };
  return installer;
}

Result<install::BackendInstallResult> install_backend(const PlanSession& session, plan::PlanOutcome first,
                                                      bool strict_gpu, const install::Layout& layout,
                                                      const install::InstallOptions& options,
                                                      const Installer& installer, const util::Output& output) {
  auto found = session.request.recipe != nullptr ? Result<const recipe::Recipe*>(session.request.recipe)
                                                 : session.services.registry->find(session.request.tool);
  if (!found) return fail(found.error());
  install::BackendInstallRequest request;
  if (*found != nullptr) request.check = (*found)->verify.backend;
  request.requested = session.request.backend;
  request.strict_gpu = strict_gpu;
  request.target = session.request.target;
  std::optional<plan::PlanOutcome> planned = std::move(first);
  install::BackendInstallSteps steps;
  // The first rung is the plan already made; each later one is planned for its backend alone.
  steps.plan = [&](const std::string& backend) -> Result<plan::PlanOutcome> {
    if (planned && backend.empty()) {
      plan::PlanOutcome outcome = std::move(*planned);
      planned.reset();
      return outcome;
    }
    plan::PlanRequest next = session.request;
    next.backend = backend;
    next.force = false;
    return plan::generate_plan(next, session.services);
  };
  steps.install = [&](const plan::Plan& plan, const install::InstallOptions::SwitchCheck& switch_check,
                      std::string* cannot_run) {
    install::InstallOptions with_check = options;
    with_check.switch_check = switch_check;
    with_check.cannot_run = cannot_run;
    return installer.install({plan}, with_check);
  };
  steps.remove = installer.remove;
  return install::install_with_backend(layout, request, steps, output);
}

namespace {

struct Prepared {
  config::Config config;
  std::unique_ptr<fetch::Downloader> downloader;
  install::Layout layout;
  install::LockOptions lock;
  install::ExtractLimits limits;
};

// Plans and installs `request` (one tool, or the stored plan) with what install_tools prepared.
Result<InstallReport> install_one(const InstallRequest& request, std::optional<plan::Plan> stored,
                                  const Prepared& prepared, const util::Output& output, const SessionSeams& seams) {
  auto made = make_plans(request, std::move(stored), prepared.downloader.get(), prepared.config, output, seams);
  if (!made) return fail(made.error());
  if (auto unhashed = unhashed_message(request, made->unhashed)) {
    if (!request.dry_run) return fail(ErrorKind::checksum, "{}", *unhashed);
    output.warn("{}", *unhashed);
  }
  InstallReport report;
  report.bin = prepared.layout.bin();
  if (request.dry_run) {
    report.plans = std::move(made->plans);
    return report;
  }
  const install::Layout& layout = prepared.layout;
  install::InstallOptions options;
  options.force = request.plan.force || request.reinstall;
  options.keep_failed = request.keep_failed;
  options.downloader = prepared.downloader.get();
  options.provenance = std::move(made->provenance);
  options.source = request.plan_file.empty() ? "registry" : request.plan_file;
  if (made->machine) {
    options.run_host = install::run_host_of(*made->machine);
    options.run_host->only_warn = request.plan.force;  // --force installs a build that cannot run here, warning
  }
  if (request.tools.size() == 1 && request.tools[0].find('@') != std::string::npos)
    options.requested = request.tools[0].substr(request.tools[0].find('@') + 1);
  options.limits = prepared.limits;
  options.ecosystem_registries = install::ecosystem_registries(prepared.config);
  Installer installer = real_installer(layout, prepared.lock, output);
  if (made->single && !made->single->outcome.backend.empty()) {
    auto result = install_backend(*made->single->session, std::move(made->single->outcome), request.strict_gpu, layout,
                                  options, installer, output);
    if (!result) return fail(result.error());
    if (!result->receipt.is_null()) {
      const std::string tool = result->receipt.value("tool", std::string());
      output.info("{}: backend {} (receipt: {})", tool, result->receipt.value("backend", std::string()),
                  (layout.tool_dir(tool, result->receipt.value("version", std::string())) / ".tailor" / "receipt.json")
                      .string());
    }
    report.outcome = std::move(result->outcome);
  } else {
    auto outcome = installer.install(made->plans, options);
    if (!outcome) return fail(outcome.error());
    report.outcome = std::move(*outcome);
  }
  report.plans = std::move(made->plans);
  return report;
}

// Registers the admitted `owner/repo` sources that `installed` tools came from, after their
// install (docs/registries.md, "Distributed registries").
void register_installed(const std::vector<std::string>& admitted, const std::vector<std::string>& installed,
                        const util::Output& output) {
  std::vector<std::string> used;
  for (const auto& slug : admitted) {
    const bool from_slug = std::ranges::any_of(installed, [&](const std::string& tool) {
      if (!registry::is_source_ref(tool)) return false;
      auto ref = registry::parse_source_ref(tool);
      return ref && ref->slug() == slug;
    });
    if (from_slug) used.push_back(slug);
  }
  if (used.empty()) return;
  if (auto registered = registry::register_sources(config::tailor_home(), used, output); !registered)
    output.warn("installed, but the source could not be registered: {}", registered.error().message);
}

std::string plan_label(const plan::Plan& plan) { return plan.tool + "@" + plan.version; }

}  // namespace

Result<InstallReport> install_tools(const InstallRequest& request, const util::Output& output,
                                    const SessionSeams& seams) {
  // Requests and plan files are checked before anything else: no download, no lock, nothing
  // written for a hostile one (docs/user-guide.md, "Tool names and versions").
  std::optional<plan::Plan> stored;
  if (!request.plan_file.empty()) {
    if (!request.tools.empty()) return fail(ErrorKind::usage, "give either tools or --plan FILE, not both");
    auto plan = install::read_plan_file(request.plan_file);
    if (!plan) return fail(plan.error());
    stored = std::move(*plan);
  } else if (request.tools.empty()) {
    return fail(ErrorKind::usage, "name at least one tool, or pass --plan FILE");
  }
  for (const auto& tool : request.tools) {
    PlanSessionOptions options = request.plan;
    options.tool = tool;
    if (auto checked = check_plan_request(options); !checked) return fail(checked.error());
  }

  // Install uses every key: an invalid value fails here, before any download or change.
  auto config = config::load_config(config::tailor_home(), &output, config::uses::all);
  if (!config) return fail(config.error());
  // An `owner/repo` source that is not registered needs consent before anything is fetched.
  auto admitted = registry::admit_sources(config::tailor_home(), request.tools, config->boolean("registry.strict"),
                                          request.consent);
  if (!admitted) return fail(admitted.error());

  // Every install extracts and hashes: libarchive and libcrypto (and OpenSSL's SHA-256) load
  // while the facts, the lock and the state are read, not after them.
  std::jthread warm_up;
  if (!request.dry_run) {
    warm_up = util::load_in_background({[] { install::archive_api(); }, [] { fetch::Sha256().hex_digest(); }});
  }
  auto downloader = open_downloader(request, output);
  if (!downloader) return fail(downloader.error());
  auto limits = install::extract_limits(*config);
  if (!limits) return fail(limits.error());
  auto lock = lock_options(request);
  if (!lock) return fail(lock.error());
  Prepared prepared{std::move(*config), std::move(*downloader), install::home_layout(), *lock, *limits};
  if (request.tools.size() <= 1) {
    auto report = install_one(request, std::move(stored), prepared, output, seams);
    if (report && !request.dry_run) register_installed(*admitted, request.tools, output);
    return report;
  }

  // Several tools: each is planned and installed on its own, and a failure does not stop the
  // next one (docs/exit-codes.md, "One cause, one code").
  InstallReport report;
  report.bin = prepared.layout.bin();
  for (const auto& tool : request.tools) {
    InstallRequest one = request;
    one.tools = {tool};
    ToolResult result{tool, tool, std::nullopt, false};
    auto installed = install_one(one, std::nullopt, prepared, output, seams);
    if (!installed) {
      *output.err << output.paint("error: ", "31") << tool << ": " << installed.error().message << '\n';
      result.error = installed.error();
    } else {
      if (!installed->plans.empty()) result.label = plan_label(installed->plans.front());
      result.already_installed = !request.dry_run && installed->outcome.installed.empty();
      auto& total = report.outcome;
      total.installed.insert(total.installed.end(), installed->outcome.installed.begin(),
                             installed->outcome.installed.end());
      total.skipped.insert(total.skipped.end(), installed->outcome.skipped.begin(), installed->outcome.skipped.end());
      for (auto& plan : installed->plans) report.plans.push_back(std::move(plan));
    }
    report.tools.push_back(std::move(result));
  }
  if (!request.dry_run) {
    std::vector<std::string> installed;
    for (const auto& result : report.tools)
      if (!result.error) installed.push_back(result.request);
    register_installed(*admitted, installed, output);
  }
  return report;
}

std::optional<Error> tools_failure(const InstallReport& report) {
  std::vector<std::string> failed;
  std::optional<ErrorKind> shared;
  bool mixed = false;
  for (const auto& tool : report.tools) {
    if (!tool.error) continue;
    failed.push_back(fmt::format("{} ({})", tool.request, kind_name(tool.error->kind)));
    if (shared && *shared != tool.error->kind) mixed = true;
    shared = tool.error->kind;
  }
  if (failed.empty()) return std::nullopt;
  const bool all = failed.size() == report.tools.size();
  ErrorKind kind = all && !mixed ? *shared : ErrorKind::partial;
  return Error{kind, fmt::format("{} of {} tools failed to install: {}", failed.size(), report.tools.size(),
                                 util::join(failed, ", "))};
}

}  // namespace tailor::app
