// `tailor rollback TOOL`: back to the version that was active before (and what activate shares).
#include "activate_flags.hpp"
#include "install/activate.hpp"
#include "install/operations.hpp"
#include "recipe/request.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {

Result<int> run_activate(const ActivateFlags& flags, bool rollback, const Context& ctx) {
  if (auto checked = recipe::check_tool_name(flags.tool); !checked) return fail(checked.error());
  std::optional<std::string> version;
  if (!rollback) {
    if (auto checked = recipe::check_plan_version(flags.version); !checked) return fail(checked.error());
    version = flags.version;
  }
  auto lock = install::lock_options(flags.lock_token, flags.lock_timeout);
  if (!lock) return fail(lock.error());
  auto done = install::activate_version(install::home_layout(), flags.tool, version, *lock, ctx.output);
  if (!done) return fail(done.error());
  if (flags.json) {
    ctx.output.write(util::canonical_json(nlohmann::ordered_json{
        {"tool", done->tool}, {"from", done->from}, {"to", done->to}, {"changed", done->changed}}));
  } else if (done->changed) {
    ctx.output.print("{} {} -> {}\n", done->tool, done->from, done->to);
  }
  return 0;
}

void add_activate_flags(CLI::App& app, ActivateFlags& flags) {
  app.add_option("--lock-timeout", flags.lock_timeout, "How long to wait for another tailor (seconds or 500ms/30s/2m)");
  app.add_option("--lock-token", flags.lock_token,
                 "Token of the reservation held on this install root (or TAILOR_LOCK_TOKEN)");
  app.add_flag("--json", flags.json, "Print JSON: {tool, from, to, changed}");
}

namespace {

const bool k_rollback_registered = register_command(
    {"rollback", "Make the previously active version of a tool active again", [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<ActivateFlags>();
       app.add_option("tool", flags->tool, "Installed tool")->required();
       add_activate_flags(app, *flags);
       app.footer("A second rollback returns to the version rolled back from. Exit 1 when there is none.");
       return [flags, &ctx]() -> Result<int> { return run_activate(*flags, true, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
