// `tailor install`: plan (or take a stored plan and re-check it), then execute it safely.
#include <functional>

#include "command.hpp"
#include "config/config.hpp"
#include "config/home.hpp"
#include "fetch/curl_downloader.hpp"
#include "fetch/download_cache.hpp"
#include "install/archive_api.hpp"
#include "install/backend_install.hpp"
#include "install/bundle.hpp"
#include "install/lock.hpp"
#include "install/operations.hpp"
#include "install/plan_check.hpp"
#include "plan_support.hpp"
#include "util/canonical_json.hpp"
#include "util/shared_library.hpp"

namespace tailor::cli {
namespace {

struct InstallFlags {
  PlanFlags plan;
  std::vector<std::string> tools;
  std::string plan_file;
  std::string from_dir;
  std::string lock_timeout;
  std::string lock_token;
  bool dry_run = false;
  bool reinstall = false;
  bool keep_failed = false;
  bool strict_gpu = false;
  bool yes = false;
  bool json = false;
};

void print_dry_run(const nlohmann::ordered_json& plan, const util::Output& output) {
  std::function<void(const nlohmann::ordered_json&, int)> show = [&](const nlohmann::ordered_json& node, int depth) {
    std::string indent(static_cast<size_t>(depth) * 2, ' ');
    output.print("{}{}@{}\n", indent, node.value("tool", std::string()), node.value("version", std::string()));
    for (const auto& dep : node.value("dependencies", nlohmann::ordered_json::array())) show(dep, depth + 1);
    for (const auto& step : node.value("steps", nlohmann::ordered_json::array())) {
      std::string detail = step.contains("url") ? " " + step["url"].get<std::string>() : "";
      output.print("{}  - {}{}\n", indent, step.value("action", std::string()), detail);
    }
  };
  show(plan, 0);
}

// Where the recipe of every tool of `node`'s tree came from, for the state. A root planned
// from --recipe FILE is not a registry recipe and is left out.
void collect_provenance(const nlohmann::ordered_json& node, const recipe::Registry& registry, bool skip_root,
                        std::map<std::string, recipe::Provenance>& out) {
  const std::string tool = node.value("tool", std::string());
  if (!skip_root && !tool.empty() && !out.contains(tool)) {
    if (auto provenance = registry.provenance(tool)) out.emplace(tool, std::move(*provenance));
  }
  for (const auto& dep : node.value("dependencies", nlohmann::ordered_json::array()))
    collect_provenance(dep, registry, false, out);
}

// The plans to execute: the stored one (re-checked against this machine) or one per tool.
// `single` receives the session and outcome when exactly one tool is named (the backend path).
struct SinglePlan {
  std::unique_ptr<PlanSession> session;
  std::optional<plan::PlanOutcome> outcome;
};

Result<std::vector<nlohmann::ordered_json>> make_plans(const InstallFlags& flags,
                                                       std::optional<nlohmann::ordered_json> stored,
                                                       fetch::Downloader* downloader, const config::Config& config,
                                                       const Context& ctx, SinglePlan& single,
                                                       std::map<std::string, recipe::Provenance>& provenance,
                                                       std::optional<platform::Facts>& machine) {
  std::vector<nlohmann::ordered_json> plans;
  if (stored) {
    auto facts = platform::resolve_facts(to_detect_request(flags.plan.facts, config));
    if (!facts) return fail(facts.error());
    auto mismatches = install::check_plan_platform(*stored, *facts, flags.plan.force);
    if (!mismatches) return fail(mismatches.error());
    for (const auto& m : *mismatches) ctx.output.warn("--force: installing a plan made for {}", m);
    machine = std::move(*facts);
    plans.push_back(std::move(*stored));
    return plans;
  }
  for (const auto& tool : flags.tools) {
    auto session = open_plan_session(flags.plan, tool, ctx);
    if (!session) return fail(session.error());
    if (!machine) machine = (*session)->facts;
    (*session)->services.downloader = downloader;
    // §6.4 step 5: install never falls back to "dev" for a recipe that has a version source.
    (*session)->request.require_version = true;
    auto outcome = plan::generate_plan((*session)->request, (*session)->services);
    if (!outcome) return fail(outcome.error());
    for (const auto& warning : outcome->warnings) ctx.output.warn("{}", warning);
    // The choice of a backend is never silent (gpu-variants.md §3): install always explains it.
    if (flags.plan.explain || !ctx.output.quiet) print_ladder(*outcome, ctx.output);
    collect_provenance(outcome->plan, *(*session)->registry, (*session)->request.recipe != nullptr, provenance);
    plans.push_back(outcome->plan);
    if (flags.tools.size() == 1) {
      single.session = std::move(*session);
      single.outcome = std::move(*outcome);
    }
  }
  return plans;
}

// One backend recipe: install, smoke-check and (under auto) fall back rung by rung.
Result<install::InstallOutcome> install_backend(const InstallFlags& flags, SinglePlan& single,
                                                const install::Layout& layout, const install::InstallOptions& options,
                                                const install::LockOptions& lock, const Context& ctx) {
  PlanSession& session = *single.session;
  auto found = session.request.recipe != nullptr ? Result<const recipe::Recipe*>(session.request.recipe)
                                                 : session.services.registry->find(session.request.tool);
  if (!found) return fail(found.error());
  install::BackendInstallRequest request;
  if (*found != nullptr) request.check = (*found)->verify.backend;
  request.requested = session.request.backend;
  request.strict_gpu = flags.strict_gpu;
  request.target = session.request.target;
  bool first = true;
  install::BackendInstallSteps steps;
  steps.plan = [&](const std::string& backend) -> Result<plan::PlanOutcome> {
    if (first && backend.empty()) {
      first = false;
      return std::move(*single.outcome);
    }
    plan::PlanRequest next = session.request;
    next.backend = backend;
    next.force = false;
    return plan::generate_plan(next, session.services);
  };
  steps.install = [&](const nlohmann::ordered_json& plan, const install::InstallOptions::SwitchCheck& switch_check,
                      std::string* cannot_run) {
    install::InstallOptions with_check = options;
    with_check.switch_check = switch_check;
    with_check.cannot_run = cannot_run;
    return install::install_plans(layout, {plan}, with_check, lock, ctx.output);
  };
  steps.remove = [&](const std::string& tool, const std::string& version) -> Status {
    auto removed = install::remove_tools(layout, tool, version, true, lock, ctx.output);
    if (!removed) return fail(removed.error());
    return {};
  };
  auto result = install::install_with_backend(layout, request, steps, ctx.output);
  if (!result) return fail(result.error());
  if (!result->receipt.is_null()) {
    ctx.output.info("{}: backend {} (receipt: {})", result->receipt.value("tool", std::string()),
                    result->receipt.value("backend", std::string()),
                    (layout.tool_dir(result->receipt.value("tool", std::string()),
                                     result->receipt.value("version", std::string())) /
                     ".tailor" / "receipt.json")
                        .string());
  }
  return std::move(result->outcome);
}

Result<int> run_install(const InstallFlags& flags, const Context& ctx) {
  // Requests and plan files are checked before anything else: no download, no lock, nothing
  // written for a hostile one (docs/user-guide.md, "Tool names and versions").
  std::optional<nlohmann::ordered_json> stored;
  if (!flags.plan_file.empty()) {
    if (!flags.tools.empty()) return fail(ErrorKind::usage, "give either tools or --plan FILE, not both");
    auto plan = install::read_plan_file(flags.plan_file);
    if (!plan) return fail(plan.error());
    stored = std::move(*plan);
  } else if (flags.tools.empty()) {
    return fail(ErrorKind::usage, "name at least one tool, or pass --plan FILE");
  }
  for (const auto& tool : flags.tools) {
    if (auto checked = check_plan_request(flags.plan, tool); !checked) return fail(checked.error());
  }

  // Install uses every key: an invalid value fails here, before any download or change.
  auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::all);
  if (!config) return fail(config.error());

  // Every install extracts and hashes: libarchive and libcrypto (and OpenSSL's SHA-256) load
  // while the facts, the lock and the state are read, not after them.
  std::jthread warm_up;
  if (!flags.dry_run) {
    warm_up = util::load_in_background({[] { install::archive_api(); }, [] { fetch::Sha256().hex_digest(); }});
  }
  std::unique_ptr<fetch::Downloader> downloader;
  if (!flags.from_dir.empty()) {
    auto bundle = install::BundleDownloader::open(flags.from_dir);
    if (!bundle) return fail(bundle.error());
    downloader = std::make_unique<install::BundleDownloader>(std::move(*bundle));
  } else if (flags.plan.offline && !flags.plan_file.empty()) {
    return fail(ErrorKind::usage, "--offline with --plan needs --from DIR (a bundle made by `tailor fetch`)");
  } else {
    auto curl = fetch::CurlDownloader::from_environment(&ctx.output, "install");
    if (!curl) return fail(curl.error());
    downloader = std::move(*curl);
  }
  SinglePlan single;
  std::map<std::string, recipe::Provenance> provenance;
  std::optional<platform::Facts> machine;
  auto plans = make_plans(flags, std::move(stored), downloader.get(), *config, ctx, single, provenance, machine);
  if (!plans) return fail(plans.error());
  if (flags.dry_run) {
    for (const auto& plan : *plans) print_dry_run(plan, ctx.output);
    return 0;
  }
  install::InstallOptions options;
  options.force = flags.plan.force || flags.reinstall;
  options.keep_failed = flags.keep_failed;
  options.downloader = downloader.get();
  options.provenance = std::move(provenance);
  options.source = flags.plan_file.empty() ? "registry" : flags.plan_file;
  if (machine) {
    options.run_host = install::run_host_of(*machine);
    options.run_host->only_warn = flags.plan.force;  // --force installs a build that cannot run here, warning
  }
  if (flags.tools.size() == 1 && flags.tools[0].find('@') != std::string::npos)
    options.requested = flags.tools[0].substr(flags.tools[0].find('@') + 1);
  auto limits = install::extract_limits(*config);
  if (!limits) return fail(limits.error());
  options.limits = *limits;
  install::LockOptions lock;
  lock.token = flags.lock_token;
  if (!flags.lock_timeout.empty()) {
    auto timeout = install::parse_lock_timeout(flags.lock_timeout);
    if (!timeout) return fail(timeout.error());
    lock.timeout = *timeout;
  }
  auto layout = install::home_layout();
  Result<install::InstallOutcome> outcome = install::InstallOutcome{};
  if (single.outcome && !single.outcome->backend.empty()) {
    auto backend = install_backend(flags, single, layout, options, lock, ctx);
    if (!backend) return fail(backend.error());
    outcome = std::move(*backend);
  } else {
    outcome = install::install_plans(layout, *plans, options, lock, ctx.output);
  }
  if (!outcome) return fail(outcome.error());
  if (flags.json) {
    ctx.output.write(util::canonical_json(
        nlohmann::ordered_json{{"status", "ok"}, {"installed", outcome->installed}, {"skipped", outcome->skipped}}));
    return 0;
  }
  for (const auto& label : outcome->installed) ctx.output.print("{}\n", label);
  const char* path = std::getenv("PATH");
  std::string padded = ":" + std::string(path != nullptr ? path : "") + ":";
  if (!outcome->installed.empty() && padded.find(":" + layout.bin().string() + ":") == std::string::npos) {
    ctx.output.info("add {} to your PATH: export PATH=\"{}:$PATH\"", layout.bin().string(), layout.bin().string());
  }
  return 0;
}

const bool registered = register_command(
    {"install", "Install tools (or a stored plan) safely: all or nothing", [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<InstallFlags>();
       app.add_option("tools", flags->tools, "TOOL or TOOL@VERSION, installed in order");
       add_plan_flags(app, flags->plan);
       app.add_option("--plan", flags->plan_file,
                      "Execute this plan file (JSON, format 5; - for stdin) after re-checking its platform");
       app.add_option("--from", flags->from_dir, "Take artifacts from this bundle directory (made by `tailor fetch`)");
       app.add_option("--lock-timeout", flags->lock_timeout,
                      "How long to wait for another tailor (seconds or 500ms/30s/2m)");
       app.add_option("--lock-token", flags->lock_token,
                      "Token of the reservation held on this install root (or TAILOR_LOCK_TOKEN)");
       app.add_flag("--strict-gpu", flags->strict_gpu,
                    "A failing backend smoke check fails the install instead of falling back");
       app.add_flag("--dry-run", flags->dry_run, "Print the plan's steps without installing");
       app.add_flag("--reinstall", flags->reinstall,
                    "Install again a version that is already installed (the old one stays until the new one verifies)");
       app.add_flag("--keep-failed", flags->keep_failed,
                    "Keep a build that fails verify, unlinked, as tools/<name>-<version>.failed for inspection");
       app.add_flag("-y,--yes", flags->yes, "Assume yes (tailor asks nothing today; accepted for scripts)");
       app.add_flag("--json", flags->json, "Print the result as JSON");
       app.footer(
           "--force reinstalls an installed version (like --reinstall) and accepts a plan made for another machine.\n"
           "Missing system packages stop the install before anything changes (exit 8).");
       return [flags, &ctx]() -> Result<int> {
         auto result = run_install(*flags, ctx);
         if (!result && flags->json) {
           ctx.output.write(
               util::canonical_json(nlohmann::ordered_json{{"status", "error"},
                                                           {"category", std::to_string(exit_code(result.error().kind))},
                                                           {"message", result.error().message},
                                                           {"exit_code", exit_code(result.error().kind)}}));
         }
         return result;
       };
     }});

}  // namespace
}  // namespace tailor::cli
