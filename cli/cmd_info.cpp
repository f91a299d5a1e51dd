// tailor info TOOL: what a recipe offers and which of its steps and backends apply here, and
// when it is installed, the receipt of its backend choice.
#include "command.hpp"
#include "config/home.hpp"
#include "fact_options.hpp"
#include "install/receipt.hpp"
#include "recipe/info.hpp"
#include "recipe/registry.hpp"
#include "recipe/request.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  std::string registry;
  std::string tool;
  FactFlags facts;
};

const bool registered = register_command(
    {"info", "Describe a recipe and what applies on this machine", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json, "Print JSON");
       app.add_option("--registry", opts->registry, "Recipe directory searched before the built-in recipes");
       app.add_option("tool", opts->tool, "Recipe name")->required();
       add_fact_flags(app, opts->facts);
       return [opts, &ctx]() -> Result<int> {
         if (auto checked = recipe::check_tool_name(opts->tool); !checked) return fail(checked.error());
         auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::detect);
         if (!config) return fail(config.error());
         recipe::Registry registry(recipe::default_registry_options(opts->registry));
         auto found = registry.find(opts->tool);
         if (!found) return tl::unexpected(found.error());
         if (*found == nullptr)
           return fail(ErrorKind::recipe_not_found, "no recipe named '{}' (see `tailor recipes`)", opts->tool);
         auto facts = platform::resolve_facts(to_detect_request(opts->facts, *config));
         if (!facts) return tl::unexpected(facts.error());
         const recipe::MatchTarget target{facts->os,         facts->arch, facts->linux_family, facts->libc, facts->gpu,
                                          facts->gpu_driver, "",          facts->gpu_compute};
         const recipe::RecipeInfo info = recipe::describe_recipe(**found, target);
         auto installed = install::read_installed_receipt(install::home_layout(), (*found)->metadata.name);
         if (!installed) return tl::unexpected(installed.error());
         if (opts->json || ctx.output.json) {
           auto doc = recipe::recipe_info_to_json(info);
           doc["source"] = registry.source_of((*found)->metadata.name);
           if (*installed) doc["installed"] = install::installed_receipt_to_json(**installed);
           ctx.output.write(util::canonical_json(doc));
         } else {
           std::string text = recipe::format_recipe_info(info, target);
           if (*installed) text += install::format_installed_receipt((*found)->metadata.name, **installed);
           ctx.output.write(text);
         }
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
