// `tailor verify`: re-run each installed tool's verify and check its binaries and links.
#include "command.hpp"
#include "install/lifecycle.hpp"
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
         auto st = install::verify_installed(install::home_layout(), *tool, ctx.output);
         if (!st) return fail(st.error());
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
