// tailor cache info|clear: size and entry count of each cache, and emptying them (docs/user-guide.md, "Caches").
#include "command.hpp"
#include "config/caches.hpp"
#include "config/home.hpp"
#include "config/partial_downloads.hpp"
#include "util/canonical_json.hpp"
#include "util/strings.hpp"

namespace tailor::cli {
namespace {
namespace fs = std::filesystem;

struct Options {
  bool json = false;
  bool downloads = false;
  bool versions = false;
  bool detect = false;
  bool registry = false;
};

std::string paths_of(const config::CacheUsage& usage) {
  std::vector<std::string> paths;
  for (const auto& dir : usage.dirs) paths.push_back(dir.string());
  return util::join(paths, ", ");
}

std::string partial_line(const config::PartialDownloads& partial) {
  std::string line = fmt::format("partial downloads: {} {}, {}", partial.files, partial.files == 1 ? "file" : "files",
                                 util::human_size(partial.bytes));
  if (partial.in_progress > 0) line += fmt::format(" ({} in progress)", partial.in_progress);
  return line + "\n";
}

Result<int> run_info(const Options& opts, const Context& ctx) {
  fs::path home = config::tailor_home();
  auto usages = config::cache_usage(home);
  // Counted within the downloads cache's size too; listed apart because nothing can use them.
  config::PartialDownloads partial = config::count_partial_downloads(home / "cache" / "downloads");
  if (opts.json) {
    nlohmann::ordered_json doc{{"caches", nlohmann::ordered_json::array()}};
    for (const auto& usage : usages) {
      nlohmann::ordered_json paths = nlohmann::ordered_json::array();
      for (const auto& dir : usage.dirs) paths.push_back(dir.string());
      doc["caches"].push_back(
          {{"name", usage.name}, {"paths", paths}, {"size_bytes", usage.bytes}, {"entries", usage.entries}});
    }
    doc["partial_downloads"] = {
        {"files", partial.files}, {"size_bytes", partial.bytes}, {"in_progress", partial.in_progress}};
    ctx.output.write(util::canonical_json(doc));
    return 0;
  }
  for (const auto& usage : usages) {
    ctx.output.print("{:<10} {:>10}  {:>6} {:<7}  {}\n", usage.name, util::human_size(usage.bytes), usage.entries,
                     usage.entries == 1 ? "entry" : "entries", paths_of(usage));
  }
  ctx.output.print("{}", partial_line(partial));
  return 0;
}

Result<int> run_clear(const Options& opts, const Context& ctx) {
  std::vector<std::string> names;
  if (opts.downloads) names.emplace_back("downloads");
  if (opts.versions) names.emplace_back("versions");
  if (opts.detect) names.emplace_back("detect");
  if (opts.registry) names.emplace_back("registry");
  if (names.empty()) names = config::cache_names();
  for (const std::string& name : names) {
    auto cleared = config::clear_cache(config::tailor_home(), name);
    if (!cleared) return tl::unexpected(cleared.error());
    ctx.output.info("cleared {} cache: {} {}, {}{}", name, cleared->entries,
                    cleared->entries == 1 ? "entry" : "entries", util::human_size(cleared->bytes),
                    cleared->kept_in_progress > 0
                        ? fmt::format(" (kept {} partial download(s) still being written)", cleared->kept_in_progress)
                        : "");
  }
  return 0;
}

const bool k_registered = register_command(
    {"cache", "Show or clear the download, version, detection and registry caches",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.require_subcommand(1);
       CLI::App* info = app.add_subcommand("info", "Print size and entry count of each cache");
       info->add_flag("--json", opts->json,
                      "Print JSON: {caches: [{name, paths, size_bytes, entries}], partial_downloads: {files, "
                      "size_bytes, in_progress}}");
       CLI::App* clear = app.add_subcommand("clear", "Empty the caches (all of them unless some are named)");
       clear->add_flag("--downloads", opts->downloads, "Only cache/downloads (artifacts)");
       clear->add_flag("--versions", opts->versions, "Only the version-provider cache");
       clear->add_flag("--detect", opts->detect, "Only cache/detect (Tier 1 Vulkan enumeration)");
       clear->add_flag("--registry", opts->registry, "Only the central registry's recipes and manifest (registry/)");
       return [opts, &ctx, info, clear]() -> Result<int> {
         if (info->parsed()) return run_info(*opts, ctx);
         if (clear->parsed()) return run_clear(*opts, ctx);
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
