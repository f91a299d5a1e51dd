// tailor versions TOOL: the versions a recipe's provider knows, marking the one install picks.
#include "command.hpp"
#include "config/config.hpp"
#include "config/home.hpp"
#include "recipe/registry.hpp"
#include "recipe/request.hpp"
#include "registry/sources.hpp"
#include "util/canonical_json.hpp"
#include "version/resolver.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  bool all = false;
  bool refresh = false;
  std::string registry;
  std::string tool;
};

nlohmann::json listing_json(const std::string& tool, const version::VersionListing& listing) {
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& entry : listing.versions) {
    versions.push_back({{"version", entry.version},
                        {"tag", entry.tag},
                        {"stable", entry.stable},
                        {"selected", entry.version == listing.selected}});
  }
  nlohmann::json doc = {{"tool", tool}, {"provider", listing.provider}, {"versions", versions}};
  doc["selected"] = listing.selected.empty() ? nlohmann::json(nullptr) : nlohmann::json(listing.selected);
  if (!listing.selected_error.empty()) doc["selected_error"] = listing.selected_error;
  return doc;
}

std::string listing_text(const std::string& tool, const version::VersionListing& listing) {
  std::string text = fmt::format("{} ({}), newest first:\n", tool, listing.provider);
  for (const auto& entry : listing.versions) {
    bool picked = entry.version == listing.selected;
    text += fmt::format("{} {}{}{}\n", picked ? '*' : ' ', entry.version, entry.stable ? "" : "  (pre-release)",
                        picked ? "  <- install picks this" : "");
  }
  if (!listing.selected_error.empty()) text += fmt::format("install would use 'dev': {}\n", listing.selected_error);
  return text;
}

const bool k_registered = register_command(
    {"versions", "List the versions of a tool, newest first", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json, "Print JSON");
       app.add_flag("--all", opts->all, "Include pre-releases");
       app.add_flag("--refresh", opts->refresh, "Ask the providers again instead of using cached answers");
       app.add_option("--registry", opts->registry, "Recipe directory searched before the built-in recipes");
       app.add_option("tool", opts->tool, "Recipe name")->required();
       return [opts, &ctx]() -> Result<int> {
         if (auto checked = recipe::check_tool_name(opts->tool); !checked) return fail(checked.error());
         auto config = config::load_config(config::tailor_home(), &ctx.output, config::uses::api);
         if (!config) return fail(config.error());
         recipe::Registry registry(registry::lookup_options(opts->registry, false, &ctx.output));
         auto found = registry.find(opts->tool);
         if (!found) return tl::unexpected(found.error());
         if (*found == nullptr) return fail(ErrorKind::recipe_not_found, "{}", registry.not_found_message(opts->tool));
         auto listing = version::list_versions(version::default_resolver_options(opts->refresh), **found, opts->all);
         if (!listing) return tl::unexpected(listing.error());
         if (opts->json)
           ctx.output.write(util::canonical_json(listing_json(opts->tool, *listing)));
         else
           ctx.output.write(listing_text(opts->tool, *listing));
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
