// tailor search QUERY: recipes by name and description, from the local recipes and the
// cached registry manifest (docs/registries.md, "Search").
#include "command.hpp"
#include "config/home.hpp"
#include "install/layout.hpp"
#include "install/state.hpp"
#include "registry/catalog.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  std::string query;
  bool json = false;
  size_t limit = 20;
  std::string registry;
  bool offline = false;
};

std::set<std::string, std::less<>> installed_names() {
  std::set<std::string, std::less<>> names;
  if (auto state = install::read_state(install::home_layout()))
    for (const auto& [name, tool] : state->installed) names.insert(name);
  return names;
}

Result<int> run_search(const Options& opts, const Context& ctx) {
  auto settings = registry::load_registry_settings(config::tailor_home(), opts.offline);
  if (!settings) return fail(settings.error());
  recipe::Registry local(recipe::default_registry_options(opts.registry));
  auto catalog = registry::load_catalog(local, *settings, ctx.output);
  if (!catalog) return fail(catalog.error());
  if (catalog->deprecation && !catalog->deprecation->message.empty())
    ctx.output.warn("the registry says: {}", catalog->deprecation->message);
  auto hits = registry::search_recipes(opts.query, catalog->entries, installed_names(), opts.limit);
  if (opts.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& hit : hits) {
      list.push_back({{"name", hit.candidate.name},
                      {"description", hit.candidate.description},
                      {"source", hit.candidate.source},
                      {"installed", hit.installed},
                      {"match", registry::rank_name(hit.rank)}});
    }
    ctx.output.write(util::canonical_json(list));
    return 0;
  }
  if (hits.empty()) {
    ctx.output.info("no recipe matches '{}'{}", opts.query,
                    catalog->manifest_loaded ? "" : " among the local recipes (no registry manifest is cached)");
    return 0;
  }
  size_t width = 0;
  for (const auto& hit : hits) width = std::max(width, hit.candidate.name.size());
  for (const auto& hit : hits) {
    ctx.output.print("{:<{}}  {}  [{}{}]\n", hit.candidate.name, width, hit.candidate.description, hit.candidate.source,
                     hit.installed ? ", installed" : "");
  }
  return 0;
}

const bool k_registered = register_command(
    {"search", "Find recipes by name or description (local recipes and the registry manifest)",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_option("query", opts->query, "Words to look for")->required();
       app.add_flag("--json", opts->json, "Print a JSON array of {name, description, source, installed, match}");
       app.add_option("--limit", opts->limit, "Show at most this many results (0: all)")->capture_default_str();
       app.add_option("--registry", opts->registry, "Recipe directory searched before the built-in recipes");
       app.add_flag("--offline", opts->offline, "Never fetch the registry manifest");
       return [opts, &ctx]() -> Result<int> { return run_search(*opts, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
