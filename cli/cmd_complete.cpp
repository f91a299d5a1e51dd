// `tailor __complete KIND [PREFIX]`: the words the shell completion scripts (cmd_completion.cpp)
// offer that only the running tailor knows, one per line. Hidden from --help; cheap: no
// network, no detection, and an unreadable home just completes nothing.
#include <array>

#include "app/shellenv.hpp"
#include "command.hpp"
#include "completion_kinds.hpp"
#include "config/keys.hpp"
#include "install/state.hpp"
#include "recipe/registry.hpp"
#include "tuple/fact_table.hpp"

namespace tailor::cli {
namespace {

std::vector<std::string> words_of(std::string_view kind) {
  std::vector<std::string> words;
  if (kind == k_complete_recipes) {
    // Embedded recipes and the local directories (TAILOR_RECIPES, $TAILOR_HOME/recipes).
    recipe::Registry registry(recipe::default_registry_options(""));
    words = registry.names();
  } else if (kind == k_complete_installed) {
    if (auto state = install::read_state(install::home_layout())) {
      for (const auto& [name, tool] : state->installed)
        if (!tool.is_hidden) words.push_back(name);
    }
  } else if (kind == k_complete_backends) {
    for (auto name : config::backend_names()) words.emplace_back(name);
  } else if (kind == k_complete_gpu_vendors) {
    for (auto name : tuple::fact_def(tuple::Fact::gpu).allowed) words.emplace_back(name);
  } else if (kind == k_complete_shells) {
    for (auto name : app::shell_names()) words.emplace_back(name);
  } else if (kind == k_complete_config_keys) {
    for (const auto& def : config::key_definitions())
      if (def.name.find('*') == std::string_view::npos) words.emplace_back(def.name);
  }
  return words;
}

struct Options {
  std::string kind;
  std::string prefix;
};

const bool k_registered = register_command(
    {"__complete", "Words for shell completion (used by `tailor completion` scripts)",
     [](CLI::App& app, Context& ctx) -> RunFn {
       app.group("");  // hidden: not in --help, not completed itself
       auto opts = std::make_shared<Options>();
       app.add_option("kind", opts->kind, "recipes, installed, backends, gpu-vendors, config-keys or shells")
           ->required();
       app.add_option("prefix", opts->prefix, "Only words starting with this");
       return [opts, &ctx]() -> Result<int> {
         if (!is_completion_kind(opts->kind)) {
           return fail(ErrorKind::usage, "unknown completion kind '{}' (known: {})", opts->kind,
                       completion_kind_list());
         }
         for (const auto& word : words_of(opts->kind))
           if (word.starts_with(opts->prefix)) ctx.output.print("{}\n", word);
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
