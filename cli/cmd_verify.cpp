// `tailor verify`: re-run each installed tool's verify and check its binaries (unchanged, and able
// to run on this machine) and links.
#include "command.hpp"
#include "install/lifecycle.hpp"
#include "platform/detect.hpp"
#include "recipe/request.hpp"

namespace tailor::cli {
namespace {

const bool registered = register_command(
    {"verify", "Check installed tools still work (exit 7 on failure)", [](CLI::App& app, Context& ctx) -> RunFn {
       auto tool = std::make_shared<std::string>();
       CLI::Option* named = app.add_option("tool", *tool, "Tool to verify (default: every installed tool)");
       return [tool, named, &ctx]() -> Result<int> {
         // `verify ''` names no tool: a usage error, never "verify everything".
         if (named->count() > 0) {
           if (auto checked = recipe::check_tool_name(*tool); !checked) return fail(checked.error());
         }
         // The machine the binaries must run on (docs/install.md, "Can the build run here?"):
         // detection without probes, under TAILOR_FACTS and TAILOR_* overrides like every command.
         platform::DetectRequest detect;
         detect.probe = "none";
         auto facts = platform::resolve_facts(detect);
         if (!facts) return fail(facts.error());
         auto st = install::verify_installed(install::home_layout(), *tool, ctx.output, install::run_host_of(*facts));
         if (!st) return fail(st.error());
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
