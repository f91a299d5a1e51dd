// `tailor remove`: delete a tool (one version or all) and dependencies nothing else needs;
// `--keep-latest N` prunes old versions.
#include "command.hpp"
#include "config/config.hpp"
#include "config/home.hpp"
#include "coord/lock.hpp"
#include "install/activate.hpp"
#include "install/operations.hpp"
#include "recipe/request.hpp"

namespace tailor::cli {
namespace {

struct RemoveFlags {
  std::string tool;
  std::string lock_timeout;
  std::string lock_token;
  std::optional<std::size_t> keep_latest;
  bool force = false;
};

Result<install::LockOptions> lock_options(const RemoveFlags& flags) {
  return install::lock_options(flags.lock_token, flags.lock_timeout);
}

// --keep-latest N: old versions of one tool (or of every tool) go, the newest N and the
// active one stay.
Result<int> prune(const RemoveFlags& flags, const Context& ctx) {
  std::optional<std::string> tool;
  if (!flags.tool.empty()) {
    if (flags.tool.find('@') != std::string::npos)
      return fail(ErrorKind::usage, "--keep-latest takes a tool NAME, not NAME@VERSION");
    if (auto checked = recipe::check_tool_name(flags.tool); !checked) return fail(checked.error());
    tool = flags.tool;
  }
  auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::events);
  if (!config) return fail(config.error());
  auto lock = lock_options(flags);
  if (!lock) return fail(lock.error());
  auto removed = install::prune_versions(install::home_layout(), tool, *flags.keep_latest, *lock, ctx.output);
  if (!removed) return fail(removed.error());
  for (const auto& label : *removed) ctx.output.print("Removed {}\n", label);
  if (removed->empty())
    ctx.output.info("nothing to remove: no tool has more than {} version{}", *flags.keep_latest,
                    *flags.keep_latest == 1 ? "" : "s");
  return 0;
}

const bool k_registered = register_command(
    {"remove", "Remove an installed tool (NAME or NAME@VERSION)", [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<RemoveFlags>();
       app.add_option("tool", flags->tool, "NAME or NAME@VERSION (with --keep-latest: NAME, or every tool)");
       app.add_option("--keep-latest", flags->keep_latest,
                      "Remove all but the N newest versions (the active one always stays)")
           ->check(CLI::PositiveNumber);
       app.add_flag("-f,--force", flags->force, "Remove even when other tools still require it");
       app.add_option("--lock-timeout", flags->lock_timeout, "How long to wait for another tailor");
       app.add_option("--lock-token", flags->lock_token,
                      "Token of the reservation held on this install root (or TAILOR_LOCK_TOKEN)");
       return [flags, &ctx]() -> Result<int> {
         if (flags->keep_latest) return prune(*flags, ctx);
         if (flags->tool.empty()) return fail(ErrorKind::usage, "name the tool to remove (NAME or NAME@VERSION)");
         auto request = recipe::parse_tool_request(flags->tool);
         if (!request) return fail(request.error());
         std::string name = request->tool;
         // Removing sends lifecycle events: a bad events.* value fails before anything is removed.
         auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::events);
         if (!config) return fail(config.error());
         std::optional<std::string> version;
         if (flags->tool.find('@') != std::string::npos) version = request->version;
         auto lock = lock_options(*flags);
         if (!lock) return fail(lock.error());
         auto removed = install::remove_tools(install::home_layout(), name, version, flags->force, *lock, ctx.output);
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
