#include "plan_support.hpp"

#include "util/strings.hpp"

namespace tailor::cli {

void add_plan_flags(CLI::App& app, PlanFlags& flags) {
  add_fact_flags(app, flags.facts);
  app.add_option("--registry", flags.registry, "Recipe directory searched first (also TAILOR_RECIPES)");
  app.add_option("--recipe", flags.recipe_file, "Plan this recipe file instead of a registry recipe");
  app.add_option("--version", flags.version, "Version to plan (with --recipe; else use TOOL@VERSION)");
  app.add_option("--backend", flags.backend,
                 "Inference backend: auto, cpu, cuda, rocm, sycl, vulkan, metal (wins over llm.backend)");
  app.add_option("--pin-from", flags.pin_from, "Use this plan as a lock: pinned versions and known artifacts");
  app.add_flag("--force", flags.force, "Plan an explicit backend this machine's GPU cannot run");
  app.add_flag("--offline", flags.offline, "Never use the network; anything not in the lock is an error");
  app.add_flag("--strict", flags.strict, "Missing dependency recipes and cycles are errors");
  app.add_flag("--explain", flags.explain, "Print the backend ladder and the reason for each rung");
  app.add_flag("--refresh", flags.refresh, "Ignore cached version-provider answers");
}

app::PlanSessionOptions session_options(const PlanFlags& flags, const std::string& tool) {
  app::PlanSessionOptions options;
  options.tool = tool;
  options.registry = flags.registry;
  options.recipe_file = flags.recipe_file;
  options.version = flags.version;
  options.backend = util::to_lower(flags.backend);  // `--backend CUDA` is cuda, as in config.toml
  options.pin_from = flags.pin_from;
  options.force = flags.force;
  options.offline = flags.offline;
  options.strict = flags.strict;
  options.refresh = flags.refresh;
  options.detect_request = [&facts = flags.facts](const config::Config& config) {
    return to_detect_request(facts, config);
  };
  return options;
}

}  // namespace tailor::cli
