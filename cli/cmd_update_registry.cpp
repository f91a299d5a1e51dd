// tailor update-registry: refresh the registry manifest and every cached registry recipe, and
// say what changed (docs/registries.md, "Updating").
#include <unistd.h>

#include "command.hpp"
#include "config/home.hpp"
#include "registry/update.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
};

std::vector<std::string> names_with(const registry::UpdateReport& report, registry::RefreshKind kind) {
  std::vector<std::string> names;
  for (const auto& r : report.recipes)
    if (r.kind == kind) names.push_back(r.name);
  return names;
}

void print_text(const registry::UpdateReport& report, const Context& ctx) {
  if (report.manifest) {
    const auto& m = *report.manifest;
    ctx.output.print(
        "manifest: {} recipes{}\n", m.recipes,
        !m.changed ? ", unchanged" : fmt::format(" ({} added, {} removed)", m.added.size(), m.removed.size()));
  } else {
    ctx.output.print("manifest: not refreshed: {}\n", report.manifest_error);
  }
  for (const auto& r : report.recipes) {
    if (r.kind == registry::RefreshKind::updated) ctx.output.print("updated  {}\n", r.name);
    if (r.kind == registry::RefreshKind::removed) ctx.output.print("removed  {} (no longer in the registry)\n", r.name);
    if (r.kind == registry::RefreshKind::failed) ctx.output.print("failed   {}: {}\n", r.name, r.detail);
  }
  ctx.output.print("{} cached recipes: {} updated, {} unchanged, {} removed, {} failed\n", report.recipes.size(),
                   names_with(report, registry::RefreshKind::updated).size(),
                   names_with(report, registry::RefreshKind::unchanged).size(),
                   names_with(report, registry::RefreshKind::removed).size(),
                   names_with(report, registry::RefreshKind::failed).size());
}

Result<int> run_update(const Options& opts, const Context& ctx) {
  registry::CentralRegistry central(config::tailor_home(), false, &ctx.output);
  const bool show_progress = !ctx.output.quiet && !opts.json && ::isatty(STDERR_FILENO) == 1;
  auto report = registry::update_registry(central, 4, [&](size_t done, size_t total) {
    if (show_progress) *ctx.output.err << fmt::format("\rrefreshing cached recipes: {}/{}", done, total) << std::flush;
  });
  if (show_progress) *ctx.output.err << "\r\x1b[K" << std::flush;
  if (!report) return fail(report.error());
  if (opts.json) {
    nlohmann::ordered_json doc{{"manifest", nullptr},
                               {"updated", names_with(*report, registry::RefreshKind::updated)},
                               {"unchanged", names_with(*report, registry::RefreshKind::unchanged)},
                               {"removed", names_with(*report, registry::RefreshKind::removed)},
                               {"failed", nlohmann::ordered_json::object()}};
    if (report->manifest) {
      doc["manifest"] = {{"recipes", report->manifest->recipes},
                         {"changed", report->manifest->changed},
                         {"added", report->manifest->added},
                         {"removed", report->manifest->removed}};
    } else {
      doc["manifest"] = {{"error", report->manifest_error}};
    }
    for (const auto& r : report->recipes)
      if (r.kind == registry::RefreshKind::failed) doc["failed"][r.name] = r.detail;
    ctx.output.write(util::canonical_json(doc));
  } else {
    print_text(*report, ctx);
  }
  const bool failed = !report->manifest || !names_with(*report, registry::RefreshKind::failed).empty();
  if (failed) return fail(ErrorKind::network, "the registry could not be refreshed completely (see above)");
  return 0;
}

const bool k_registered = register_command(
    {"update-registry", "Refresh the registry manifest and every cached registry recipe",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json, "Print JSON: {manifest, updated, unchanged, removed, failed}");
       return [opts, &ctx]() -> Result<int> { return run_update(*opts, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
