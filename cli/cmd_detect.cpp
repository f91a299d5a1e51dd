// tailor detect: print the facts of this machine (docs/detection.md).
#include <algorithm>
#include <chrono>

#include "command.hpp"
#include "config/home.hpp"
#include "fact_options.hpp"
#include "platform/report.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  bool explain = false;
  bool no_names = false;
  int bench = 0;
  FactFlags facts;
};

// Hidden --bench N: median in-process time of one resolve_facts call, for bench/detect.
Result<int> run_bench(const platform::DetectRequest& request, int runs, const util::Output& output) {
  std::vector<double> micros;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto facts = platform::resolve_facts(request);
    auto end = std::chrono::steady_clock::now();
    if (!facts) return tl::unexpected(facts.error());
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(micros.begin(), micros.end());
  output.print("{:.1f}\n", micros[micros.size() / 2]);
  return 0;
}

const bool k_registered = register_command(
    {"detect", "Show the platform and GPU facts of this machine", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json, "Print the facts document (loadable with --facts)");
       app.add_flag("--explain", opts->explain, "Say where each fact came from and how sure it is");
       app.add_flag("--no-names", opts->no_names, "Do not look up PCI device names");
       app.add_option("--bench", opts->bench, "Time N in-process detections")->group("")->check(CLI::PositiveNumber);
       add_fact_flags(app, opts->facts);
       return [opts, &ctx]() -> Result<int> {
         auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::detect);
         if (!config) return fail(config.error());
         platform::DetectRequest request = to_detect_request(opts->facts, *config);
         request.names = !opts->no_names;
         if (opts->bench > 0) return run_bench(request, opts->bench, ctx.output);
         auto facts = platform::resolve_facts(request);
         if (!facts) return tl::unexpected(facts.error());
         for (const std::string& warning : facts->warnings) ctx.output.warn("{}", warning);
         if (opts->json) {
           ctx.output.write(util::canonical_json(platform::facts_to_json(*facts)));
           if (opts->explain) *ctx.output.err << platform::format_facts_explanation(*facts);
           return 0;
         }
         ctx.output.write(platform::format_facts_summary(*facts));
         if (opts->explain) ctx.output.write("\n" + platform::format_facts_explanation(*facts));
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
