// `tailor doctor [--json] [--fix]`: one line per health check with ok / warn / fail and the fix
// (docs/user-guide.md, "Health check: `tailor doctor`"). Exits 1 when a check fails.
#include <unistd.h>

#include "app/doctor.hpp"
#include "command.hpp"
#include "config/environment.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  bool fix = false;
};

const bool k_registered = register_command(
    {"doctor", "Check the tailor home and this machine: one line per check with ok, warn or fail and the fix",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json,
                    "Print JSON: {status, checks[{name, status, message, fix, details[], fixed[]}], summary}");
       app.add_flag("--fix", opts->fix,
                    "Repair what is safe: broken or missing bin/ links, leftovers of dead tailor operations, a stale "
                    "lock holder file; say what was done");
       return [opts, &ctx]() -> Result<int> {
         app::DoctorRequest request;
         request.layout = install::home_layout();
         request.path_env = config::env_value(config::EnvVar::path).value_or("");
         request.fix = opts->fix;
         request.uid = static_cast<uint32_t>(::geteuid());
         app::DoctorReport report = app::run_doctor(request);
         if (opts->json)
           ctx.output.write(util::canonical_json(app::doctor_to_json(report)));
         else
           ctx.output.write(app::format_doctor(report));
         // docs/exit-codes.md: 1 when any check fails; warnings alone exit 0.
         return report.overall() == app::CheckStatus::fail ? 1 : 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
