#include "plan_support.hpp"

#include "config/config.hpp"
#include "config/home.hpp"
#include "fetch/curl_downloader.hpp"
#include "plan/backend.hpp"
#include "plan/target.hpp"
#include "platform/detect.hpp"
#include "recipe/request.hpp"
#include "recipe/vulkan_dependency.hpp"
#include "registry/sources.hpp"
#include "util/fs.hpp"

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

Status check_plan_request(const PlanFlags& flags, const std::string& tool) {
  if (tool.empty() && flags.recipe_file.empty()) return fail(ErrorKind::usage, "name a tool or pass --recipe FILE");
  if (!tool.empty()) {
    if (auto parsed = recipe::parse_tool_request(tool); !parsed) return fail(parsed.error());
  }
  if (!flags.version.empty()) {
    if (auto checked = recipe::check_version_request(flags.version); !checked) return checked;
  }
  return plan::check_backend_name(flags.backend);
}

Result<std::unique_ptr<PlanSession>> open_plan_session(const PlanFlags& flags, const std::string& tool,
                                                       const Context& context) {
  if (auto checked = check_plan_request(flags, tool); !checked) return fail(checked.error());
  // Before any work: an invalid value of a key planning uses fails here (docs/config.md).
  auto config = config::load_config(config::tailor_home(), &context.output,
                                    flags.offline ? k_offline_planning_uses : k_planning_uses);
  if (!config) return fail(config.error());
  auto session = std::make_unique<PlanSession>();
  session->registry =
      std::make_unique<recipe::Registry>(registry::lookup_options(flags.registry, flags.offline, &context.output));
  session->services.registry = session->registry.get();
  if (!flags.offline) {
    auto downloader = fetch::CurlDownloader::from_environment(&context.output, "plan");
    if (!downloader) return fail(downloader.error());
    session->downloader = std::move(*downloader);
    session->resolver = version::make_resolver(version::default_resolver_options(flags.refresh));
  }
  session->services.downloader = session->downloader.get();
  session->services.resolver = session->resolver.get();

  plan::PlanRequest& request = session->request;
  request.tool = tool.substr(0, tool.find('@'));
  if (tool.find('@') != std::string::npos) request.version = tool.substr(tool.find('@') + 1);
  if (!flags.version.empty()) {
    if (flags.recipe_file.empty() && !request.version.empty()) {
      return fail(ErrorKind::usage, "give the version either as TOOL@VERSION or with --version, not both");
    }
    request.version = flags.version;
  }
  if (request.version == "latest") request.version.clear();
  if (!flags.recipe_file.empty()) {
    auto loaded = session->registry->load_file(flags.recipe_file);
    if (!loaded) return fail(loaded.error());
    request.recipe = *loaded;
  } else if (request.tool.empty()) {
    return fail(ErrorKind::usage, "name a tool or pass --recipe FILE");
  }
  const recipe::Recipe* recipe = request.recipe;
  if (recipe == nullptr) {
    auto found = session->registry->find(request.tool);
    if (!found) return fail(found.error());
    if (*found == nullptr) {
      return fail(ErrorKind::recipe_not_found, "{}", session->registry->not_found_message(request.tool));
    }
    recipe = *found;
  }

  request.backend = config::effective_backend(*config, flags.backend);
  request.backend_from_flag = !flags.backend.empty();

  platform::DetectRequest detect = to_detect_request(flags.facts, *config);
  auto facts = platform::resolve_facts(detect);
  if (!facts) return fail(facts.error());
  // Only the auto ladder of a recipe with a vulkan step reads the `vulkan` fact, and only on a
  // GPU vendor whose ladder has a vulkan rung; then Tier 1 runs (cached) unless an override
  // gives the fact. A foreign target (--os/--arch) never uses this machine's Vulkan.
  bool auto_ladder = request.backend.empty() || request.backend == "auto";
  bool vulkan_rung = facts->gpu == "nvidia" || facts->gpu == "amd" || facts->gpu == "intel";
  if (recipe::depends_on_vulkan(*recipe) && !facts->overrides.contains("vulkan") && auto_ladder && vulkan_rung &&
      !flags.facts.os && !flags.facts.arch) {
    detect.need_vulkan = true;
    facts = platform::resolve_facts(detect);
    if (!facts) return fail(facts.error());
  }
  bool foreign = false;
  if (flags.facts.os || flags.facts.arch) {
    platform::DetectRequest host_request = detect;
    host_request.flags.os.reset();
    host_request.flags.arch.reset();
    auto host = platform::resolve_facts(host_request);
    if (!host) return fail(host.error());
    foreign = host->os != facts->os || host->arch != facts->arch;
  }
  session->facts = *facts;
  auto target = plan::resolve_target(*recipe, *session->registry, *facts, foreign);
  if (!target) return fail(target.error());
  request.target = *target;

  request.force = flags.force;
  request.offline = flags.offline;
  request.strict = flags.strict;
  if (!flags.pin_from.empty()) {
    auto text = util::read_file(flags.pin_from, 64u << 20);
    if (!text) return fail(text.error());
    auto doc = nlohmann::ordered_json::parse(*text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      return fail(ErrorKind::invalid_input, "{} is not a plan (JSON object expected)", flags.pin_from);
    }
    request.pin_from = std::move(doc);
  }
  return session;
}

void print_ladder(const plan::PlanOutcome& outcome, const util::Output& output) {
  if (outcome.ladder.empty()) return;
  *output.err << "backend ladder:\n";
  for (const auto& rung : outcome.ladder) {
    *output.err << "  " << rung.backend << ": "
                << (rung.chosen ? output.paint("chosen", "32") : std::string(rung.status())) << " (" << rung.reason
                << ")\n";
  }
}

}  // namespace tailor::cli
