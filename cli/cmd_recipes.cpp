// tailor recipes: list the recipes the registry knows (name, description, where it comes from);
// with --all, the central registry's manifest too.
#include "command.hpp"
#include "config/home.hpp"
#include "recipe/registry.hpp"
#include "registry/catalog.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  bool all = false;
  std::string registry;
};

Result<nlohmann::ordered_json> local_list(const recipe::Registry& registry) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const std::string& name : registry.names()) {
    auto found = registry.find(name);
    std::string description;
    if (!found)
      description = "(does not load: " + found.error().message + ")";
    else if (*found != nullptr)
      description = (*found)->metadata.description;
    list.push_back({{"name", name}, {"description", description}, {"source", registry.source_of(name)}});
  }
  return list;
}

Result<int> run_recipes(const Options& opts, const Context& ctx) {
  recipe::Registry registry(recipe::default_registry_options(opts.registry));
  auto list = local_list(registry);
  if (!list) return fail(list.error());
  if (opts.all) {
    auto settings = registry::load_registry_settings(config::tailor_home(), false);
    if (!settings) return fail(settings.error());
    auto catalog = registry::load_catalog(registry, *settings, ctx.output);
    if (!catalog) return fail(catalog.error());
    std::set<std::string> local;
    for (const auto& entry : *list) local.insert(entry["name"].get<std::string>());
    for (const auto& entry : catalog->entries) {
      if (entry.source != "central" || local.contains(entry.name)) continue;
      list->push_back({{"name", entry.name}, {"description", entry.description}, {"source", entry.source}});
    }
  }
  if (opts.json) {
    ctx.output.write(util::canonical_json(*list));
    return 0;
  }
  size_t width = 0;
  for (const auto& entry : *list) width = std::max(width, entry["name"].get<std::string>().size());
  for (const auto& entry : *list) {
    ctx.output.print("{:<{}}  {}  [{}]\n", entry["name"].get<std::string>(), width,
                     entry["description"].get<std::string>(), entry["source"].get<std::string>());
  }
  return 0;
}

const bool k_registered = register_command(
    {"recipes", "List the available recipes", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json, "Print a JSON array of {name, description, source}");
       app.add_flag("--all", opts->all, "Also list the central registry's recipes (its manifest)");
       app.add_option("--registry", opts->registry, "Recipe directory searched before the built-in recipes");
       return [opts, &ctx]() -> Result<int> { return run_recipes(*opts, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
