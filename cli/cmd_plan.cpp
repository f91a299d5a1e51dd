// `tailor plan`: the same plan as `eval`, shown for people.
#include "command.hpp"
#include "plan/plan_view.hpp"
#include "plan_support.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct PlanOptions {
  PlanFlags plan;
  std::string tool;
  bool json = false;
};

const bool registered =
    register_command({"plan", "Show the install plan for a tool: dependencies, steps, chosen backend",
                      [](CLI::App& app, Context& ctx) -> RunFn {
                        auto opts = std::make_shared<PlanOptions>();
                        app.add_option("tool", opts->tool, "TOOL or TOOL@VERSION");
                        add_plan_flags(app, opts->plan);
                        app.add_flag("--json", opts->json, "Print the plan JSON (same as `tailor eval`)");
                        return [opts, &ctx]() -> Result<int> {
                          auto session = open_plan_session(opts->plan, opts->tool, ctx);
                          if (!session) return fail(session.error());
                          auto outcome = plan::generate_plan((*session)->request, (*session)->services);
                          if (!outcome) return fail(outcome.error());
                          for (const auto& warning : outcome->warnings) ctx.output.warn("{}", warning);
                          if (opts->json) {
                            ctx.output.write(util::canonical_json(outcome->plan));
                            return 0;
                          }
                          ctx.output.write(plan::describe_plan(*outcome, opts->plan.explain));
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
