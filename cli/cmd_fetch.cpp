// `tailor fetch --plan FILE --into DIR`: an air-gapped bundle of a plan's artifacts.
#include "command.hpp"
#include "config/config.hpp"
#include "config/home.hpp"
#include "fetch/curl_downloader.hpp"
#include "install/bundle.hpp"
#include "install/plan_check.hpp"

namespace tailor::cli {
namespace {

struct FetchFlags {
  std::string plan;
  std::string into;
};

const bool registered =
    register_command({"fetch", "Download a plan's artifacts into a directory for offline installs",
                      [](CLI::App& app, Context& ctx) -> RunFn {
                        auto flags = std::make_shared<FetchFlags>();
                        app.add_option("--plan", flags->plan, "Plan file (JSON, format 5)")->required();
                        app.add_option("--into", flags->into, "Bundle directory to fill")->required();
                        app.footer("Install from the bundle with: tailor install --plan FILE --from DIR --offline");
                        return [flags, &ctx]() -> Result<int> {
                          auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::download);
                          if (!config) return fail(config.error());
                          auto plan = install::read_plan_file(flags->plan);
                          if (!plan) return fail(plan.error());
                          auto downloader = fetch::CurlDownloader::from_environment(&ctx.output, "fetch");
                          if (!downloader) return fail(downloader.error());
                          auto count = install::fetch_bundle(*plan, flags->into, **downloader, ctx.output);
                          if (!count) return fail(count.error());
                          ctx.output.print("{} artifacts in {}\n", *count, flags->into);
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
