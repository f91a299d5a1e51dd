// `tailor verify`: re-run each installed tool's verify and check its binaries.
#include "command.hpp"
#include "install/lifecycle.hpp"

namespace tailor::cli {
namespace {

const bool registered = register_command(
    {"verify", "Check installed tools still work (exit 7 on failure)", [](CLI::App& app, Context& ctx) -> RunFn {
       auto tool = std::make_shared<std::string>();
       app.add_option("tool", *tool, "Tool to verify (default: every installed tool)");
       return [tool, &ctx]() -> Result<int> {
         auto st = install::verify_installed(install::home_layout(), *tool, ctx.output);
         if (!st) return fail(st.error());
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
