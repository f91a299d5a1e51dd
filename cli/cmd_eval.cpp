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

const bool registered =
    register_command({"eval", "Print the install plan (JSON, format 5) for a tool and a target",
                      [](CLI::App& app, Context& ctx) -> RunFn {
                        auto opts = std::make_shared<EvalOptions>();
                        app.add_option("tool", opts->tool, "TOOL or TOOL@VERSION");
                        add_plan_flags(app, opts->plan);
                        app.footer(
                            "Target facts come from this machine, a --facts file, or --os/--arch/--gpu/... flags.\n"
                            "Warnings go to stderr; the plan goes to stdout.");
                        return [opts, &ctx]() -> Result<int> {
                          auto session = open_plan_session(opts->plan, opts->tool, ctx);
                          if (!session) return fail(session.error());
                          auto outcome = plan::generate_plan((*session)->request, (*session)->services);
                          if (!outcome) return fail(outcome.error());
                          for (const auto& warning : outcome->warnings) ctx.output.warn("{}", warning);
                          if (opts->plan.explain) print_ladder(*outcome, ctx.output);
                          ctx.output.write(util::canonical_json(outcome->plan));
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
