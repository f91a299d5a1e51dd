// `tailor list`: installed versions, the active one marked; `--problems`: what in the home
// tailor leaves alone but someone should look at.
#include "command.hpp"
#include "install/home_problems.hpp"
#include "install/lifecycle.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct ListFlags {
  bool json = false;
  bool all = false;
  bool problems = false;
};

Result<int> list_problems(const ListFlags& flags, Context& ctx) {
  auto problems = install::find_home_problems(install::home_layout());
  if (flags.json) {
    ctx.output.write(util::canonical_json(install::problems_to_json(problems)));
    return 0;
  }
  if (problems.empty()) ctx.output.info("no problems found");
  for (const auto& problem : problems) ctx.output.print("{}: {}\n", problem.path.string(), problem.message);
  return 0;
}

const bool registered =
    register_command({"list", "List installed tools", [](CLI::App& app, Context& ctx) -> RunFn {
                        auto flags = std::make_shared<ListFlags>();
                        app.add_flag("--json", flags->json, "Print JSON: {tools[], libraries[]}");
                        app.add_flag("--all", flags->all, "Include hidden dependencies");
                        app.add_flag("--problems", flags->problems,
                                     "List what under TAILOR_HOME tailor leaves alone: directories it did not make, "
                                     "leftovers it cannot clean up, symlinks (JSON: {problems[]})");
                        return [flags, &ctx]() -> Result<int> {
                          if (flags->problems) return list_problems(*flags, ctx);
                          auto listing = install::list_tools(install::home_layout(), flags->all, ctx.output);
                          if (!listing) return fail(listing.error());
                          if (flags->json) {
                            ctx.output.write(util::canonical_json(install::listing_to_json(*listing)));
                            return 0;
                          }
                          if (listing->empty()) ctx.output.info("no tools installed");
                          for (const auto& item : *listing) {
                            ctx.output.print("{} {}{}{}\n", item.tool, item.version, item.active ? " (active)" : "",
                                             item.hidden ? " (dependency)" : "");
                          }
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
