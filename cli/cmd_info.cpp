// tailor info TOOL: what a recipe offers and which of its steps and backends apply here, and
// when it is installed, the receipt of its backend choice.
#include "command.hpp"
#include "config/home.hpp"
#include "fact_options.hpp"
#include "install/receipt.hpp"
#include "install/recipe_provenance.hpp"
#include "recipe/info.hpp"
#include "recipe/registry.hpp"
#include "recipe/request.hpp"
#include "registry/source_ref.hpp"
#include "registry/sources.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  std::string registry;
  std::string tool;
  FactFlags facts;
};

nlohmann::ordered_json provenance_json(const recipe::Provenance& p) {
  return {{"source", p.source}, {"url", p.url}, {"sha256", p.sha256}};
}

std::string provenance_text(std::string_view label, const recipe::Provenance& p) {
  return fmt::format("  {}: {}{}\n    sha256: {}\n", label, p.source, p.url.empty() ? "" : " (" + p.url + ")",
                     p.sha256);
}

const bool k_registered = register_command(
    {"info", "Describe a recipe and what applies on this machine", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json, "Print JSON");
       app.add_option("--registry", opts->registry, "Recipe directory searched before the built-in recipes");
       app.add_option("tool", opts->tool, "Recipe name, or OWNER/REPO[:RECIPE] of a distributed registry")->required();
       add_fact_flags(app, opts->facts);
       return [opts, &ctx]() -> Result<int> {
         // A distributed name may carry a version (copied from an install line); info ignores it.
         if (registry::is_source_ref(opts->tool)) {
           auto ref = registry::parse_source_ref(opts->tool);
           if (!ref) return fail(ref.error());
           opts->tool = opts->tool.substr(0, opts->tool.find('@'));
         } else if (auto checked = recipe::check_tool_name(opts->tool); !checked) {
           return fail(checked.error());
         }
         auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::detect);
         if (!config) return fail(config.error());
         recipe::Registry registry(registry::lookup_options(opts->registry, false, &ctx.output));
         auto found = registry.find(opts->tool);
         if (!found) return tl::unexpected(found.error());
         if (*found == nullptr) return fail(ErrorKind::recipe_not_found, "{}", registry.not_found_message(opts->tool));
         auto facts = platform::resolve_facts(to_detect_request(opts->facts, *config));
         if (!facts) return tl::unexpected(facts.error());
         const tuple::Target target = platform::machine_target(*facts);
         const recipe::RecipeInfo info = recipe::describe_recipe(**found, target);
         auto installed = install::read_installed_receipt(install::home_layout(), (*found)->metadata.name);
         if (!installed) return tl::unexpected(installed.error());
         const std::string& name = (*found)->metadata.name;
         auto provenance = registry.provenance(opts->tool);
         if (!provenance) provenance = registry.provenance(name);
         auto installed_from = install::installed_recipe_provenance(install::home_layout(), name);
         if (opts->json) {
           auto doc = recipe::recipe_info_to_json(info);
           doc["source"] = registry.source_of(name);
           if (provenance) doc["recipe"] = provenance_json(*provenance);
           if (installed_from) doc["installed_recipe"] = provenance_json(*installed_from);
           if (*installed) doc["installed"] = install::installed_receipt_to_json(**installed);
           ctx.output.write(util::canonical_json(doc));
         } else {
           std::string text = recipe::format_recipe_info(info, target);
           if (provenance) text += provenance_text("recipe from", *provenance);
           if (installed_from) text += provenance_text("installed from", *installed_from);
           if (*installed) text += install::format_installed_receipt((*found)->metadata.name, **installed);
           ctx.output.write(text);
         }
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
