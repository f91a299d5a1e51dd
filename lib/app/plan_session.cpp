#include "app/plan_session.hpp"

#include <algorithm>

#include "config/home.hpp"
#include "fetch/curl_downloader.hpp"
#include "install/ecosystem.hpp"
#include "install/ecosystem_locker.hpp"
#include "plan/backend.hpp"
#include "plan/plan_read.hpp"
#include "plan/target.hpp"
#include "recipe/vulkan_dependency.hpp"
#include "registry/source_ref.hpp"
#include "registry/sources.hpp"
#include "tuple/gpu_vendor.hpp"
#include "util/fs.hpp"

namespace tailor::app {

SessionSeams default_seams() {
  SessionSeams seams;
  seams.resolve_facts = [](const platform::DetectRequest& request) { return platform::resolve_facts(request); };
  seams.downloader = [](const util::Output& output) -> Result<std::unique_ptr<fetch::Downloader>> {
    auto downloader = fetch::CurlDownloader::from_environment(&output, "plan");
    if (!downloader) return fail(downloader.error());
    return std::unique_ptr<fetch::Downloader>(std::move(*downloader));
  };
  seams.resolver = [](bool refresh) { return version::make_resolver(version::default_resolver_options(refresh)); };
  return seams;
}

Status check_plan_request(const PlanSessionOptions& options) {
  if (options.tool.empty() && options.recipe_file.empty())
    return fail(ErrorKind::usage, "name a tool or pass --recipe FILE");
  if (!options.tool.empty()) {
    if (auto checked = registry::check_tool_or_source(options.tool); !checked) return checked;
  }
  if (!options.version.empty()) {
    if (auto checked = recipe::check_version_request(options.version); !checked) return checked;
  }
  return plan::check_backend_name(options.backend);
}

Result<recipe::ToolRequest> requested_tool(const PlanSessionOptions& options) {
  const std::string& tool = options.tool;
  recipe::ToolRequest request;
  request.tool = tool.substr(0, tool.find('@'));
  if (tool.find('@') != std::string::npos) request.version = tool.substr(tool.find('@') + 1);
  if (!options.version.empty()) {
    if (options.recipe_file.empty() && !request.version.empty()) {
      return fail(ErrorKind::usage, "give the version either as TOOL@VERSION or with --version, not both");
    }
    request.version = options.version;
  }
  if (request.version == "latest") request.version.clear();
  return request;
}

bool needs_vulkan_probe(const recipe::Recipe& recipe, const platform::Facts& facts, const std::string& backend,
                        bool target_overridden) {
  bool auto_ladder = backend.empty() || backend == "auto";
  bool vulkan_rung = tuple::is_pci_gpu_vendor(facts.gpu);
  return recipe::depends_on_vulkan(recipe) && !facts.overrides.contains("vulkan") && auto_ladder && vulkan_rung &&
         !target_overridden;
}

namespace {

// Opens the registry, and online the downloader and the resolver.
Status open_services(PlanSession& session, const PlanSessionOptions& options, const util::Output& output,
                     const SessionSeams& seams) {
  session.registry =
      std::make_unique<recipe::Registry>(registry::lookup_options(options.registry, options.offline, &output));
  session.services.registry = session.registry.get();
  if (!options.offline) {
    auto downloader = seams.downloader(output);
    if (!downloader) return fail(downloader.error());
    session.downloader = std::move(*downloader);
    session.resolver = seams.resolver(options.refresh);
  }
  session.services.downloader = session.downloader.get();
  session.services.resolver = session.resolver.get();
  return {};
}

// The recipe the request names: --recipe FILE or the registry's.
Result<const recipe::Recipe*> find_recipe(PlanSession& session, const PlanSessionOptions& options) {
  plan::PlanRequest& request = session.request;
  if (!options.recipe_file.empty()) {
    auto loaded = session.registry->load_file(options.recipe_file);
    if (!loaded) return fail(loaded.error());
    request.recipe = *loaded;
  } else if (request.tool.empty()) {
    return fail(ErrorKind::usage, "name a tool or pass --recipe FILE");
  }
  if (request.recipe != nullptr) return request.recipe;
  auto found = session.registry->find(request.tool);
  if (!found) return fail(found.error());
  if (*found == nullptr) {
    return fail(ErrorKind::recipe_not_found, "{}", session.registry->not_found_message(request.tool));
  }
  return *found;
}

// The facts of the target, with Vulkan probed when the plan reads it; `foreign` when
// --os/--arch name another machine than this one.
Status resolve_target_facts(PlanSession& session, const recipe::Recipe& recipe, platform::DetectRequest detect,
                            const SessionSeams& seams) {
  auto facts = seams.resolve_facts(detect);
  if (!facts) return fail(facts.error());
  bool target_overridden = detect.flags[tuple::Fact::os].has_value() || detect.flags[tuple::Fact::arch].has_value();
  // A foreign target (--os/--arch) never uses this machine's Vulkan.
  if (needs_vulkan_probe(recipe, *facts, session.request.backend, target_overridden)) {
    detect.need_vulkan = true;
    session.probed_vulkan = true;
    facts = seams.resolve_facts(detect);
    if (!facts) return fail(facts.error());
  }
  if (target_overridden) {
    platform::DetectRequest host_request = detect;
    host_request.flags[tuple::Fact::os].reset();
    host_request.flags[tuple::Fact::arch].reset();
    auto host = seams.resolve_facts(host_request);
    if (!host) return fail(host.error());
    session.foreign = host->os != facts->os || host->arch != facts->arch;
  }
  session.facts = std::move(*facts);
  return {};
}

Status read_pin_from(plan::PlanRequest& request, const std::string& path) {
  auto text = util::read_file(path, 64u << 20);
  if (!text) return fail(text.error());
  auto doc = nlohmann::ordered_json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorKind::invalid_input, "{} is not a plan (JSON object expected)", path);
  }
  auto plan = plan::plan_from_json(doc);
  if (!plan) return fail(ErrorKind::invalid_input, "{}: the plan is not a tailor plan: {}", path, plan.error().message);
  request.pin_from = std::move(*plan);
  return {};
}

}  // namespace

Result<std::unique_ptr<PlanSession>> open_plan_session(const PlanSessionOptions& options, const util::Output& output,
                                                       const SessionSeams& seams) {
  if (auto checked = check_plan_request(options); !checked) return fail(checked.error());
  // Before any work: an invalid value of a key planning uses fails here (docs/config.md).
  auto config =
      config::load_config(config::tailor_home(), &output, options.offline ? k_offline_planning_uses : k_planning_uses);
  if (!config) return fail(config.error());
  auto session = std::make_unique<PlanSession>();
  if (auto opened = open_services(*session, options, output, seams); !opened) return fail(opened.error());
  if (!options.offline) {
    session->locker = std::make_unique<install::ToolchainLocker>(
        install::home_layout(), install::ecosystem_registries(*config), output, session->downloader.get());
    session->services.ecosystem_locker = session->locker.get();
  }

  auto requested = requested_tool(options);
  if (!requested) return fail(requested.error());
  plan::PlanRequest& request = session->request;
  request.tool = requested->tool;
  request.version = requested->version;
  auto recipe = find_recipe(*session, options);
  if (!recipe) return fail(recipe.error());

  request.backend = config::effective_backend(*config, options.backend);
  request.backend_from_flag = !options.backend.empty();
  platform::DetectRequest detect = options.detect_request ? options.detect_request(*config) : platform::DetectRequest{};
  if (auto resolved = resolve_target_facts(*session, **recipe, std::move(detect), seams); !resolved)
    return fail(resolved.error());
  if (options.target_only) session->foreign = true;
  auto target = plan::resolve_target(**recipe, *session->registry, session->facts, session->foreign);
  if (!target) return fail(target.error());
  request.target = *target;

  request.force = options.force;
  request.offline = options.offline;
  request.strict = options.strict;
  request.require_checksum = config->boolean("security.require_checksum");
  if (!options.pin_from.empty()) {
    if (auto pinned = read_pin_from(request, options.pin_from); !pinned) return fail(pinned.error());
  }
  return session;
}

Result<PlannedTool> plan_tool(const PlanSessionOptions& options, const util::Output& output,
                              const SessionSeams& seams) {
  auto session = open_plan_session(options, output, seams);
  if (!session) return fail(session.error());
  auto outcome = plan::generate_plan((*session)->request, (*session)->services);
  if (!outcome) return fail(outcome.error());
  for (const auto& warning : outcome->warnings) output.warn("{}", warning);
  if (auto visible = check_gpu_visible(**session, *outcome, options.strict_gpu, output); !visible)
    return fail(visible.error());
  return PlannedTool{std::move(*session), std::move(*outcome)};
}

Status check_gpu_visible(const PlanSession& session, const plan::PlanOutcome& outcome, bool strict,
                         const util::Output& output) {
  const platform::Facts& facts = session.facts;
  if (session.foreign || facts.gpu_visible) return {};
  if (!tuple::is_pci_gpu_vendor(facts.gpu)) return {};
  const auto primary = std::find_if(facts.gpu_devices.begin(), facts.gpu_devices.end(),
                                    [&](const auto& device) { return device.primary && device.vendor == facts.gpu; });
  if (primary == facts.gpu_devices.end()) return {};  // a GPU only named by --gpu: nothing to see
  const std::optional<tuple::GpuVendor>& gpu = outcome.value.platform.gpu;
  const bool uses_gpu = outcome.backend.empty() ? gpu && *gpu != tuple::GpuVendor::none && outcome.notes.empty()
                                                : outcome.backend != "cpu";
  if (!uses_gpu) return {};
  std::string fix;
  if (facts.gpu == "nvidia")
    fix =
        "no usable /dev/nvidia* device nodes; in a container, start it with `--gpus all` (NVIDIA Container "
        "Toolkit) or pass /dev/nvidiactl, /dev/nvidia-uvm and /dev/nvidia0";
  else if (facts.gpu == "amd")
    fix = "no usable /dev/kfd and /dev/dri render node; in a container, pass `--device /dev/kfd --device /dev/dri`";
  else
    fix = "no usable /dev/dri render node; in a container, pass `--device /dev/dri`";
  const std::string message = fmt::format(
      "the {} GPU at {} is present but not visible to this process ({}); the {} build will find no GPU "
      "when it runs",
      facts.gpu, primary->bdf, fix, outcome.backend.empty() ? facts.gpu : outcome.backend);
  if (strict) return fail(ErrorKind::install, "{} (--strict-gpu); nothing was downloaded", message);
  output.warn("{} (--strict-gpu refuses such a plan)", message);
  return {};
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

}  // namespace tailor::app
