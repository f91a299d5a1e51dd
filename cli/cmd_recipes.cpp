// tailor recipes: list the recipes the registry knows (name, description, where it comes from).
#include "command.hpp"
#include "recipe/registry.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  std::string registry;
};

const bool registered = register_command(
    {"recipes", "List the available recipes", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json, "Print a JSON array of {name, description, source}");
       app.add_option("--registry", opts->registry, "Recipe directory searched before the built-in recipes");
       return [opts, &ctx]() -> Result<int> {
         recipe::Registry registry(recipe::default_registry_options(opts->registry));
         nlohmann::ordered_json list = nlohmann::ordered_json::array();
         size_t width = 0;
         for (const std::string& name : registry.names()) {
           auto found = registry.find(name);
           std::string description;
           if (!found)
             description = "(does not load: " + found.error().message + ")";
           else if (*found != nullptr)
             description = (*found)->metadata.description;
           list.push_back({{"name", name}, {"description", description}, {"source", registry.source_of(name)}});
           width = std::max(width, name.size());
         }
         if (opts->json || ctx.output.json) {
           ctx.output.write(util::canonical_json(list));
           return 0;
         }
         for (const auto& entry : list) {
           ctx.output.print("{:<{}}  {}  [{}]\n", entry["name"].get<std::string>(), width,
                            entry["description"].get<std::string>(), entry["source"].get<std::string>());
         }
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
