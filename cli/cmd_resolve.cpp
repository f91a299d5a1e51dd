// `tailor resolve`: tailor.lock for every tool of tailor.toml and every target (docs/projects.md).
#include "app/project.hpp"
#include "command.hpp"
#include "util/strings.hpp"

namespace tailor::cli {
namespace {

struct ResolveFlags {
  std::vector<std::string> targets;
  std::string registry;
  bool check = false;
  bool offline = false;
  bool refresh = false;
};

Result<int> run_resolve(const ResolveFlags& flags, const Context& ctx) {
  app::ResolveRequest request;
  request.targets = flags.targets;
  request.registry = flags.registry;
  request.check = flags.check;
  request.offline = flags.offline;
  request.refresh = flags.refresh;
  auto report = app::resolve_project(request, ctx.output);
  if (!report) return fail(report.error());
  const std::string path = report->lock_path.string();
  if (flags.check) {
    if (report->problems.empty()) {
      ctx.output.print("{} is up to date\n", path);
      return 0;
    }
    for (const auto& problem : report->problems) *ctx.output.err << "  " << problem << '\n';
    return fail(ErrorKind::failure, "{} is out of date ({} problem{}); run `tailor resolve` and commit it", path,
                report->problems.size(), report->problems.size() == 1 ? "" : "s");
  }
  const size_t tools = report->lock.targets.empty() ? 0 : report->lock.entries.size() / report->lock.targets.size();
  ctx.output.print("{} {}: {} tool{} for {} target{} ({})\n", report->written ? "wrote" : "unchanged", path, tools,
                   tools == 1 ? "" : "s", report->lock.targets.size(), report->lock.targets.size() == 1 ? "" : "s",
                   util::join(report->lock.targets, ", "));
  return 0;
}

const bool k_registered = register_command(
    {"resolve", "Write tailor.lock: the plan of every project tool for every target",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<ResolveFlags>();
       app.add_option("--target", flags->targets,
                      "Also lock for this target: os/arch[/family][:gpu[:driver]], e.g. linux/amd64/debian:nvidia:580 "
                      "(repeatable; [lock] targets and this machine are always included)");
       app.add_flag("--check", flags->check,
                    "Write nothing; exit 1 when tailor.lock is missing or out of date with tailor.toml (for CI)");
       app.add_option("--registry", flags->registry, "Recipe directory searched first (also TAILOR_RECIPES)");
       app.add_flag("--offline", flags->offline, "Never use the network");
       app.add_flag("--refresh", flags->refresh, "Ignore cached version-provider answers");
       return [flags, &ctx]() -> Result<int> { return run_resolve(*flags, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
