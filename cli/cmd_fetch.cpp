// `tailor fetch --plan FILE --into DIR` (or `--lock [FILE]`, `--from-mirror oci://…`): an
// air-gapped bundle of a plan's artifacts, or of a project lock's for one target.
#include <optional>

#include "app/mirror_pull.hpp"
#include "app/project.hpp"
#include "command.hpp"
#include "config/config.hpp"
#include "config/home.hpp"
#include "fetch/curl_downloader.hpp"
#include "install/bundle.hpp"
#include "install/plan_check.hpp"

namespace tailor::cli {
namespace {

struct FetchFlags {
  std::string plan;
  std::string into;
  std::string target;
  std::string lock_file;    // --lock FILE: this lock file, not the project's
  std::string from_mirror;  // oci://HOST[:PORT]/NAMESPACE[:TAG]
  bool lock = false;
};

// The plans to bundle: the plan file, or the project lock's for --target (default: this machine).
Result<std::vector<plan::Plan>> bundle_plans(const FetchFlags& flags,
                                             const std::optional<project::ProjectLock>& registry_lock,
                                             const Context& ctx) {
  if (flags.lock == !flags.plan.empty())
    return fail(ErrorKind::usage, "give either --plan FILE or --lock (the project's tailor.lock)");
  if (!flags.lock) {
    if (!flags.target.empty()) return fail(ErrorKind::usage, "--target goes with --lock");
    auto plan = install::read_plan_file(flags.plan);
    if (!plan) return fail(plan.error());
    return std::vector<plan::Plan>{std::move(*plan)};
  }
  auto machine = app::machine_facts();
  if (!machine) return fail(machine.error());
  std::optional<std::string> target;
  if (!flags.target.empty()) target = flags.target;
  std::string origin;
  Result<app::LockedPlans> locked = fail(ErrorKind::failure, "no lock");
  if (registry_lock) {
    // --from-mirror oci://…:TAG: the lock pushed under that tag.
    origin = flags.from_mirror;
    locked = app::lock_plans(*registry_lock, *machine, target, origin);
  } else if (!flags.lock_file.empty()) {
    origin = flags.lock_file;
    auto lock = project::read_project_lock(flags.lock_file);
    if (!lock) return fail(lock.error());
    locked = app::lock_plans(*lock, *machine, target, origin);
  } else {
    auto project = project::load_project(".");
    if (!project) return fail(project.error());
    origin = project->lock_path().string();
    locked = app::locked_plans(*project, *machine, target);
  }
  if (!locked) return fail(locked.error());
  ctx.output.info("bundling {} tools of {} for {}", locked->plans.size(), origin, locked->target);
  return std::move(locked->plans);
}

Result<int> run_fetch(const FetchFlags& flags, const Context& ctx) {
  auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::download);
  if (!config) return fail(config.error());
  if (!flags.from_mirror.empty() && !flags.lock)
    return fail(ErrorKind::usage, "--from-mirror goes with --lock (a plan's artifacts come from the [[mirrors]])");
  auto options = fetch::options_from_environment(&ctx.output, "fetch");
  if (!options) return fail(options.error());
  // --from-mirror: the registry serves the artifacts (first in the host pool); with a tag, the
  // lock too (a --lock FILE or the project's tailor.lock otherwise).
  std::optional<project::ProjectLock> registry_lock;
  if (!flags.from_mirror.empty()) {
    auto where = fetch::parse_oci_url(flags.from_mirror);
    if (!where) return fail(where.error());
    if (!where->tag.empty() && !flags.lock_file.empty())
      return fail(ErrorKind::usage, "--lock FILE and a tagged --from-mirror both name a lock; give one");
    if (!where->tag.empty()) {
      auto pulled = app::pull_project_lock(flags.from_mirror, options->config);
      if (!pulled) return fail(pulled.error());
      registry_lock = std::move(pulled->lock);
    }
    options->config = app::with_registry_mirror(std::move(options->config), *where);
  }
  auto plans = bundle_plans(flags, registry_lock, ctx);
  if (!plans) return fail(plans.error());
  auto downloader = std::make_unique<fetch::CurlDownloader>(std::move(*options));
  auto count = flags.lock ? install::fetch_bundle_plans(*plans, flags.into, *downloader, ctx.output)
                          : install::fetch_bundle(plans->front(), flags.into, *downloader, ctx.output);
  if (!count) return fail(count.error());
  ctx.output.print("{} artifacts in {}\n", *count, flags.into);
  return 0;
}

const bool k_registered = register_command(
    {"fetch", "Download a plan's (or the project lock's) artifacts into a directory for offline installs",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<FetchFlags>();
       app.add_option("--plan", flags->plan, "Plan file (JSON, format 5)");
       CLI::Option* lock = app.add_option("--lock", flags->lock_file,
                                          "Every artifact of a project lock for one target: FILE, else the "
                                          "project's tailor.lock (or the one of a tagged --from-mirror)")
                               ->expected(0, 1);
       app.add_option("--from-mirror", flags->from_mirror,
                      "With --lock: artifacts from the OCI registry oci://HOST[:PORT]/NAMESPACE[:TAG] (with a tag, "
                      "the lock pushed there too)");
       app.add_option("--target", flags->target,
                      "With --lock: the target to bundle, os/arch[/family][:gpu[:driver]] (default: this machine)");
       app.add_option("--into", flags->into, "Bundle directory to fill")->required();
       app.footer(
           "Install from the bundle with: tailor install --plan FILE --from DIR --offline\n"
           "or, for a project: tailor install --locked --from DIR --offline");
       return [flags, lock, &ctx]() -> Result<int> {
         flags->lock = lock->count() > 0;
         return run_fetch(*flags, ctx);
       };
     }});

}  // namespace
}  // namespace tailor::cli
