// `tailor which COMMAND [--json]`: the installed tool that provides a command, or the recipes
// that would (docs/user-guide.md, "Which tool provides a command"). Never uses the network.
#include "app/which.hpp"
#include "command.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  std::string command;
  std::string registry;
  bool json = false;
};

const bool k_registered = register_command(
    {"which", "Show which installed tool provides a command, or which recipes would",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_option("command", opts->command, "A command name, e.g. rg")->required();
       app.add_option("--registry", opts->registry, "Recipe directory searched before the built-in recipes");
       app.add_flag("--json", opts->json,
                    "Print JSON: {command, link, link_target, installed[{tool, version, file, active}], "
                    "recipes[{recipe, source, match}]}");
       return [opts, &ctx]() -> Result<int> {
         auto report = app::which_command({install::home_layout(), opts->command, opts->registry});
         if (!report) return fail(report.error());
         if (opts->json)
           ctx.output.write(util::canonical_json(app::which_to_json(*report)));
         else
           ctx.output.write(app::format_which(*report));
         // Like `command -v`: 1 when no installed tool provides it (docs/exit-codes.md).
         return report->provided() ? 0 : 1;
       };
     }});

}  // namespace
}  // namespace tailor::cli
