// `tailor fetch --plan FILE --into DIR` (or `--lock`): an air-gapped bundle of a plan's
// artifacts, or of a project lock's for one target.
#include <optional>

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
  bool lock = false;
};

// The plans to bundle: the plan file, or the project lock's for --target (default: this machine).
Result<std::vector<nlohmann::ordered_json>> bundle_plans(const FetchFlags& flags, const Context& ctx) {
  if (flags.lock == !flags.plan.empty())
    return fail(ErrorKind::usage, "give either --plan FILE or --lock (the project's tailor.lock)");
  if (!flags.lock) {
    if (!flags.target.empty()) return fail(ErrorKind::usage, "--target goes with --lock");
    auto plan = install::read_plan_file(flags.plan);
    if (!plan) return fail(plan.error());
    return std::vector<nlohmann::ordered_json>{std::move(*plan)};
  }
  auto project = project::load_project(".");
  if (!project) return fail(project.error());
  auto machine = app::machine_facts();
  if (!machine) return fail(machine.error());
  std::optional<std::string> target;
  if (!flags.target.empty()) target = flags.target;
  auto locked = app::locked_plans(*project, *machine, target);
  if (!locked) return fail(locked.error());
  ctx.output.info("bundling {} tools of {} for {}", locked->plans.size(), project->lock_path().string(),
                  locked->target);
  return std::move(locked->plans);
}

Result<int> run_fetch(const FetchFlags& flags, const Context& ctx) {
  auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::download);
  if (!config) return fail(config.error());
  auto plans = bundle_plans(flags, ctx);
  if (!plans) return fail(plans.error());
  auto downloader = fetch::CurlDownloader::from_environment(&ctx.output, "fetch");
  if (!downloader) return fail(downloader.error());
  auto count = flags.lock ? install::fetch_bundle_plans(*plans, flags.into, **downloader, ctx.output)
                          : install::fetch_bundle(plans->front(), flags.into, **downloader, ctx.output);
  if (!count) return fail(count.error());
  ctx.output.print("{} artifacts in {}\n", *count, flags.into);
  return 0;
}

const bool registered = register_command(
    {"fetch", "Download a plan's (or the project lock's) artifacts into a directory for offline installs",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<FetchFlags>();
       app.add_option("--plan", flags->plan, "Plan file (JSON, format 5)");
       app.add_flag("--lock", flags->lock, "Every artifact of the project's tailor.lock for one target");
       app.add_option("--target", flags->target,
                      "With --lock: the target to bundle, os/arch[/family][:gpu[:driver]] (default: this machine)");
       app.add_option("--into", flags->into, "Bundle directory to fill")->required();
       app.footer(
           "Install from the bundle with: tailor install --plan FILE --from DIR --offline\n"
           "or, for a project: tailor install --locked --from DIR --offline");
       return [flags, &ctx]() -> Result<int> { return run_fetch(*flags, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
