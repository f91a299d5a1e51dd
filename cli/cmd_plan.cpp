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
  bool strict_gpu = false;
};

const bool k_registered =
    register_command({"plan", "Show the install plan for a tool: dependencies, steps, chosen backend",
                      [](CLI::App& app, Context& ctx) -> RunFn {
                        auto opts = std::make_shared<PlanOptions>();
                        app.add_option("tool", opts->tool, "TOOL[@VERSION] or OWNER/REPO[:RECIPE][@VERSION]");
                        add_plan_flags(app, opts->plan);
                        app.add_flag("--json", opts->json, "Print the plan JSON (same as `tailor eval`)");
                        app.add_flag("--strict-gpu", opts->strict_gpu,
                                     "Refuse a GPU plan when the GPU is present but not visible here (a container "
                                     "without its device nodes)");
                        return [opts, &ctx]() -> Result<int> {
                          app::PlanSessionOptions options = session_options(opts->plan, opts->tool);
                          options.strict_gpu = opts->strict_gpu;
                          auto planned = app::plan_tool(options, ctx.output);
                          if (!planned) return fail(planned.error());
                          if (opts->json) {
                            ctx.output.write(util::canonical_json(plan::plan_to_json(planned->outcome.value)));
                            return 0;
                          }
                          ctx.output.write(plan::describe_plan(planned->outcome, opts->plan.explain));
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
