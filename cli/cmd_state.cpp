// `tailor state rebuild`: writes state.json again from the install receipts under tools/.
#include "command.hpp"
#include "install/operations.hpp"
#include "install/state_rebuild.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  bool dry_run = false;
  bool force = false;
  std::string lock_timeout;
  std::string lock_token;
};

void print_report(const install::Layout& layout, const install::StateRebuild& rebuild, const Options& opts,
                  const Context& ctx) {
  for (const auto& [name, tool] : rebuild.state.installed) {
    for (const auto& [version, unused] : tool.versions) {
      ctx.output.info("{} {}@{}{}", opts.dry_run ? "would record" : "recorded", name, version,
                      version == tool.active_version ? " (active)" : "");
    }
  }
  for (const auto& dir : rebuild.unrecorded) ctx.output.warn("not recorded: {}: {}", dir.dir.string(), dir.reason);
  if (opts.dry_run) {
    ctx.output.write(util::canonical_json(install::state_to_json(rebuild.state)));
    ctx.output.info("dry run: {} was not written", layout.state_file().string());
    return;
  }
  std::string kept;
  if (rebuild.replaced == install::ReplacedState::prev) kept = "; the old one is " + layout.state_prev().string();
  if (rebuild.replaced == install::ReplacedState::damaged)
    kept = "; the unreadable one is kept as " + layout.state_damaged().string();
  ctx.output.print("Rebuilt {} ({} tools){}\n", layout.state_file().string(), rebuild.state.installed.size(), kept);
}

const bool k_registered = register_command(
    {"state", "Repair state.json, the record of what is installed", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.require_subcommand(1);
       CLI::App* rebuild =
           app.add_subcommand("rebuild", "Write state.json again from the receipts under tools/*/.tailor/");
       rebuild->add_flag("--json", opts->json,
                         "Print JSON: {dry_run, written, state_file, kept_as, recorded[], unrecorded[], state}");
       rebuild->add_flag("-n,--dry-run", opts->dry_run, "Print the state that would be written; change nothing");
       rebuild->add_flag("-f,--force", opts->force, "Replace a state.json that can still be read");
       rebuild->add_option("--lock-timeout", opts->lock_timeout, "How long to wait for another tailor");
       rebuild->add_option("--lock-token", opts->lock_token,
                           "Token of the reservation held on this install root (or TAILOR_LOCK_TOKEN)");
       return [opts, &ctx]() -> Result<int> {
         install::RebuildOptions options;
         options.dry_run = opts->dry_run;
         options.force = opts->force;
         auto lock = install::lock_options(opts->lock_token, opts->lock_timeout);
         if (!lock) return fail(lock.error());
         options.lock = *lock;
         const install::Layout layout = install::home_layout();
         auto result = install::rebuild_state(layout, options, ctx.output);
         if (!result) return fail(result.error());
         if (opts->json) {
           ctx.output.write(util::canonical_json(install::rebuild_to_json(layout, *result, opts->dry_run)));
           return 0;
         }
         print_report(layout, *result, *opts, ctx);
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
