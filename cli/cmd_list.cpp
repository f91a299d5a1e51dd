// `tailor list`: installed tools at their active versions (`--all-versions`: every version);
// `--problems`: what in the home tailor leaves alone but someone should look at.
#include <algorithm>

#include "command.hpp"
#include "install/home_problems.hpp"
#include "install/lifecycle.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct ListFlags {
  bool json = false;
  bool all = false;
  bool all_versions = false;
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

// One line per tool, its active version; with `all_versions` one per installed version, the
// active one and the one `tailor rollback` returns to marked.
void print_listing(const std::vector<install::ListedVersion>& listing, bool all_versions, const util::Output& output) {
  for (const auto& item : listing) {
    if (!all_versions && !item.active) continue;
    std::string others;
    if (!all_versions) {
      const auto count = std::count_if(listing.begin(), listing.end(),
                                       [&](const install::ListedVersion& v) { return v.tool == item.tool; }) -
                         1;
      if (count > 0) others = fmt::format(" (+{} other version{})", count, count == 1 ? "" : "s");
    }
    output.print("{} {}{}{}{}{}\n", item.tool, item.version, item.active ? " (active)" : "",
                 item.previous ? " (previous)" : "", item.hidden ? " (dependency)" : "", others);
  }
}

const bool k_registered =
    register_command({"list", "List installed tools", [](CLI::App& app, Context& ctx) -> RunFn {
                        auto flags = std::make_shared<ListFlags>();
                        app.add_flag("--json", flags->json, "Print JSON: {tools[], libraries[]}");
                        app.add_flag("--all", flags->all, "Include hidden dependencies");
                        app.add_flag("--all-versions", flags->all_versions,
                                     "Every installed version, not just the active one (JSON always has them all)");
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
                          print_listing(*listing, flags->all_versions, ctx.output);
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
