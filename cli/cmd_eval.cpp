// `tailor eval`: the plan JSON (format 5) for a tool and a target, without installing.
#include "command.hpp"
#include "plan_support.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct EvalOptions {
  PlanFlags plan;
  std::string tool;
};

const bool k_registered =
    register_command({"eval", "Print the install plan (JSON, format 5) for a tool and a target",
                      [](CLI::App& app, Context& ctx) -> RunFn {
                        auto opts = std::make_shared<EvalOptions>();
                        app.add_option("tool", opts->tool, "TOOL[@VERSION] or OWNER/REPO[:RECIPE][@VERSION]");
                        add_plan_flags(app, opts->plan);
                        app.footer(
                            "Target facts come from this machine, a --facts file, or --os/--arch/--gpu/... flags.\n"
                            "Warnings go to stderr; the plan goes to stdout.");
                        return [opts, &ctx]() -> Result<int> {
                          auto planned = app::plan_tool(session_options(opts->plan, opts->tool), ctx.output);
                          if (!planned) return fail(planned.error());
                          if (opts->plan.explain) app::print_ladder(planned->outcome, ctx.output);
                          ctx.output.write(util::canonical_json(plan::plan_to_json(planned->outcome.value)));
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
