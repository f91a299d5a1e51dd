// `tailor registry add|list|remove OWNER/REPO`: distributed registries, kept in config.toml
// as [registries."owner/repo"] (docs/registries.md, "Distributed registries").
#include "command.hpp"
#include "config/home.hpp"
#include "registry/registered.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  std::string source;
  std::string api_url;
};

Result<int> run_add(const Options& opts, const Context& ctx) {
  auto slug = registry::parse_slug(opts.source);
  if (!slug) return fail(slug.error());
  auto added = registry::add_registered_source(config::tailor_home(), *slug, opts.api_url);
  if (!added) return fail(added.error());
  if (*added) {
    ctx.output.print("registered {}{}\n", slug->slug(), opts.api_url.empty() ? "" : " (API " + opts.api_url + ")");
  } else {
    ctx.output.info("{} is already registered", slug->slug());
  }
  return 0;
}

Result<int> run_remove(const Options& opts, const Context& ctx) {
  auto slug = registry::parse_slug(opts.source);
  if (!slug) return fail(slug.error());
  auto removed = registry::remove_registered_source(config::tailor_home(), *slug);
  if (!removed) return fail(removed.error());
  if (*removed) {
    ctx.output.print("removed {}\n", slug->slug());
  } else {
    ctx.output.info("{} was not registered", slug->slug());
  }
  return 0;
}

Result<int> run_list(const Options& opts, const Context& ctx) {
  auto known = registry::load_registered_sources(config::tailor_home());
  if (!known) return fail(known.error());
  for (const std::string& warning : known->warnings) ctx.output.warn("{}", warning);
  if (opts.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& source : known->sources) {
      list.push_back(
          {{"name", source.slug},
           {"api_url", source.api_url.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(source.api_url)}});
    }
    ctx.output.write(util::canonical_json(nlohmann::ordered_json{{"registries", list}}));
    return 0;
  }
  if (known->sources.empty()) {
    ctx.output.info("no registries; add one with `tailor registry add OWNER/REPO`");
    return 0;
  }
  for (const auto& source : known->sources) {
    ctx.output.print("{}{}\n", source.slug, source.api_url.empty() ? "" : "  api_url " + source.api_url);
  }
  return 0;
}

const bool k_registered = register_command(
    {"registry", "Add, list or remove distributed recipe registries (GitHub OWNER/REPO)",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json, "Print JSON");
       CLI::App* add =
           app.add_subcommand("add", "Register OWNER/REPO: install from its .tsuku-recipes/ without asking");
       add->add_option("source", opts->source, "OWNER/REPO on GitHub")->required();
       add->add_option("--api-url", opts->api_url,
                       "GitHub Enterprise API base, e.g. https://github.example.com/api/v3");
       CLI::App* list = app.add_subcommand("list", "Print the registered sources");
       list->add_flag("--json", opts->json, "Print JSON");
       CLI::App* remove = app.add_subcommand("remove", "Forget OWNER/REPO and its cached recipes");
       remove->add_option("source", opts->source, "OWNER/REPO")->required();
       app.footer(
           "`tailor install OWNER/REPO[:RECIPE][@VERSION]` installs from a registry; an unregistered one\n"
           "needs --yes (or a yes on a terminal), and registry.strict = true refuses it.");
       return [opts, &ctx, add, remove]() -> Result<int> {
         if (add->parsed()) return run_add(*opts, ctx);
         if (remove->parsed()) return run_remove(*opts, ctx);
         return run_list(*opts, ctx);
       };
     }});

}  // namespace
}  // namespace tailor::cli
