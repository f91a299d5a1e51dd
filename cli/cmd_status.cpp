// `tailor status [--json]`: what a running tailor is doing (docs/downloads.md, "`tailor status`").
// Reads status.json and the lock holder file; never takes a lock, never waits.
#include "command.hpp"
#include "config/home.hpp"
#include "fetch/status_file.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct StatusFlags {
  bool json = false;
};

const bool k_registered =
    register_command({"status", "Show the operation in progress: downloads, hosts, cooldowns, lock holder",
                      [](CLI::App& app, Context& ctx) -> RunFn {
                        auto flags = std::make_shared<StatusFlags>();
                        app.add_flag("--json", flags->json, "Print JSON");
                        return [flags, &ctx]() -> Result<int> {
                          auto report = fetch::read_status_report(config::tailor_home());
                          if (flags->json)
                            ctx.output.write(util::canonical_json(report));
                          else
                            ctx.output.write(fetch::format_status_report(report));
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
