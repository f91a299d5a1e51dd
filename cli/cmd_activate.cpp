// `tailor activate TOOL VERSION`: make any installed version the active one.
#include "activate_flags.hpp"

namespace tailor::cli {
namespace {

const bool k_activate_registered = register_command(
    {"activate", "Make an installed version of a tool the active one", [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<ActivateFlags>();
       app.add_option("tool", flags->tool, "Installed tool")->required();
       app.add_option("version", flags->version, "An installed version (`tailor list --all-versions`)")->required();
       add_activate_flags(app, *flags);
       app.footer("Exit 1, changing nothing, when that version is not installed.");
       return [flags, &ctx]() -> Result<int> { return run_activate(*flags, false, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
