// `tailor config [list] | get KEY | set KEY [VALUE] | unset KEY`: $TAILOR_HOME/config.toml
// (docs/config.md). Secrets are read from stdin only.
#include <unistd.h>

#include "command.hpp"
#include "config/config.hpp"
#include "config/home.hpp"
#include "config/secret_input.hpp"
#include "util/canonical_json.hpp"
#include "util/strings.hpp"

namespace tailor::cli {
namespace {

struct Options {
  bool json = false;
  std::string key;
  std::vector<std::string> values;
};

nlohmann::ordered_json setting_json(const config::Setting& s) {
  nlohmann::ordered_json json{{"key", s.key}, {"value", s.value}, {"origin", config::origin_name(s.origin)}};
  if (s.origin == config::Origin::env) json["env"] = s.env;
  return json;
}

std::string origin_text(const config::Setting& s) {
  return s.origin == config::Origin::env ? "env " + s.env : std::string(config::origin_name(s.origin));
}

std::string shown(const std::string& value) { return value.empty() ? "\"\"" : value; }

Result<int> run_list(const Context& ctx) {
  auto loaded = config::load_config(config::tailor_home(), &ctx.output);
  if (!loaded) return fail(loaded.error());
  auto settings = loaded->list();
  if (ctx.output.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& s : settings) list.push_back(setting_json(s));
    ctx.output.write(util::canonical_json(nlohmann::ordered_json{{"settings", list}}));
    return 0;
  }
  for (const auto& s : settings) ctx.output.print("{:<28} {:<12} {}\n", s.key, shown(s.value), origin_text(s));
  return 0;
}

Result<int> run_get(const Options& opts, const Context& ctx) {
  auto loaded = config::load_config(config::tailor_home(), &ctx.output);
  if (!loaded) return fail(loaded.error());
  auto setting = loaded->lookup(opts.key);
  if (!setting) return fail(setting.error());
  if (ctx.output.json) {
    ctx.output.write(util::canonical_json(setting_json(*setting)));
  } else {
    ctx.output.print("{}\n", setting->value);
  }
  return 0;
}

Result<int> run_set(const Options& opts, const Context& ctx) {
  auto def = config::require_key(opts.key);
  if (!def) return fail(def.error());
  std::string value;
  if ((*def)->type == config::ValueType::secret) {
    if (!opts.values.empty()) {
      return fail(ErrorKind::usage,
                  "secrets are never taken from the command line (it leaks into shell history and "
                  "ps); pipe the value on stdin: printf %s \"$TOKEN\" | tailor config set {}",
                  opts.key);
    }
    auto secret = config::read_secret_line(STDIN_FILENO, ctx.output, "value for " + opts.key + ": ");
    if (!secret) return fail(secret.error());
    value = std::move(*secret);
  } else {
    if (opts.values.size() != 1) return fail(ErrorKind::usage, "usage: tailor config set {} VALUE", opts.key);
    value = opts.values.front();
  }
  auto setting = config::set_config_value(config::tailor_home(), opts.key, value);
  if (!setting) return fail(setting.error());
  if (setting->origin == config::Origin::env) {
    ctx.output.warn("{} is set in the environment and overrides the file for now", setting->env);
  }
  if ((*def)->type == config::ValueType::choice) value = util::to_lower(value);  // stored so: `CUDA` is cuda
  ctx.output.print("{} = {}\n", setting->key, (*def)->type == config::ValueType::secret ? "(set)" : shown(value));
  return 0;
}

Result<int> run_unset(const Options& opts, const Context& ctx) {
  auto removed = config::unset_config_value(config::tailor_home(), opts.key);
  if (!removed) return fail(removed.error());
  ctx.output.info("{}", *removed ? "removed " + opts.key : opts.key + " was not set in the file");
  return 0;
}

const bool k_registered = register_command(
    {"config", "Show or change settings in $TAILOR_HOME/config.toml", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.add_flag("--json", opts->json, "Print JSON");
       CLI::App* list = app.add_subcommand("list", "Print every effective value and its origin");
       list->add_flag("--json", opts->json, "Print JSON");
       CLI::App* get = app.add_subcommand("get", "Print one value (secrets: whether set)");
       get->add_option("key", opts->key, "Key, e.g. llm.backend")->required();
       get->add_flag("--json", opts->json, "Print JSON");
       CLI::App* set = app.add_subcommand("set", "Validate and store a value (secrets.*: read from stdin)");
       set->add_option("key", opts->key, "Key, e.g. llm.backend")->required();
       set->add_option("value", opts->values, "Value (not for secrets)");
       CLI::App* unset = app.add_subcommand("unset", "Remove a value from the file");
       unset->add_option("key", opts->key, "Key, e.g. llm.backend")->required();
       return [opts, &ctx, get, set, unset]() -> Result<int> {
         ctx.output.json = opts->json;
         if (get->parsed()) return run_get(*opts, ctx);
         if (set->parsed()) return run_set(*opts, ctx);
         if (unset->parsed()) return run_unset(*opts, ctx);
         return run_list(ctx);
       };
     }});

}  // namespace
}  // namespace tailor::cli
