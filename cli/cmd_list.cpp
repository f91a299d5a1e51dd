// `tailor list`: installed versions, the active one marked.
#include "command.hpp"
#include "install/lifecycle.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct ListFlags {
  bool json = false;
  bool all = false;
};

const bool registered =
    register_command({"list", "List installed tools", [](CLI::App& app, Context& ctx) -> RunFn {
                        auto flags = std::make_shared<ListFlags>();
                        app.add_flag("--json", flags->json, "Print JSON: {tools[], libraries[]}");
                        app.add_flag("--all", flags->all, "Include hidden dependencies");
                        return [flags, &ctx]() -> Result<int> {
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
