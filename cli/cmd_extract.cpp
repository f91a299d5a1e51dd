// `tailor extract ARCHIVE DIR` (hidden, for developers and bench/install): the install
// extractor on its own, with the same safety rules and limits.
#include "command.hpp"
#include "config/config.hpp"
#include "config/home.hpp"
#include "install/extract.hpp"

namespace tailor::cli {
namespace {

struct ExtractFlags {
  std::string archive;
  std::string dir;
  int strip_dirs = 0;
};

const bool k_registered =
    register_command({"extract", "", [](CLI::App& app, Context& ctx) -> RunFn {
                        auto flags = std::make_shared<ExtractFlags>();
                        app.group("");  // hidden from --help
                        app.add_option("archive", flags->archive, "Archive file")->required();
                        app.add_option("dir", flags->dir, "Existing destination directory")->required();
                        app.add_option("--strip-dirs", flags->strip_dirs, "Leading path components to drop");
                        return [flags, &ctx]() -> Result<int> {
                          auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::extract);
                          if (!config) return fail(config.error());
                          auto limits = install::extract_limits(*config);
                          if (!limits) return fail(limits.error());
                          install::ExtractOptions options;
                          options.strip_dirs = flags->strip_dirs;
                          options.limits = *limits;
                          auto report = install::extract_archive(flags->archive, flags->dir, options);
                          if (!report) return fail(report.error());
                          for (const auto& note : report->notes) ctx.output.warn("{}", note);
                          ctx.output.info("{} entries, {} bytes", report->entries, report->bytes);
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
