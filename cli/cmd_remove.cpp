// `tailor remove`: delete a tool (one version or all) and dependencies nothing else needs.
#include "command.hpp"
#include "config/config.hpp"
#include "config/home.hpp"
#include "install/lock.hpp"
#include "install/operations.hpp"
#include "recipe/request.hpp"

namespace tailor::cli {
namespace {

struct RemoveFlags {
  std::string tool;
  std::string lock_timeout;
  std::string lock_token;
  bool force = false;
};

const bool registered = register_command(
    {"remove", "Remove an installed tool (NAME or NAME@VERSION)", [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<RemoveFlags>();
       app.add_option("tool", flags->tool, "NAME or NAME@VERSION")->required();
       app.add_flag("-f,--force", flags->force, "Remove even when other tools still require it");
       app.add_option("--lock-timeout", flags->lock_timeout, "How long to wait for another tailor");
       app.add_option("--lock-token", flags->lock_token,
                      "Token of the reservation held on this install root (or TAILOR_LOCK_TOKEN)");
       return [flags, &ctx]() -> Result<int> {
         auto request = recipe::parse_tool_request(flags->tool);
         if (!request) return fail(request.error());
         std::string name = request->tool;
         // Removing sends lifecycle events: a bad events.* value fails before anything is removed.
         auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::events);
         if (!config) return fail(config.error());
         std::optional<std::string> version;
         if (flags->tool.find('@') != std::string::npos) version = request->version;
         install::LockOptions lock;
         lock.token = flags->lock_token;
         if (!flags->lock_timeout.empty()) {
           auto timeout = install::parse_lock_timeout(flags->lock_timeout);
           if (!timeout) return fail(timeout.error());
           lock.timeout = *timeout;
         }
         auto removed = install::remove_tools(install::home_layout(), name, version, flags->force, lock, ctx.output);
         if (!removed) return fail(removed.error());
         if (version)
           ctx.output.print("Removed {}@{}\n", name, *version);
         else
           ctx.output.print("Removed {} (all versions)\n", name);
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
