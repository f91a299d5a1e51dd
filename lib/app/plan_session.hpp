#pragma once
// A plan session: what a planning command (eval, plan, install) needs before it can call the
// planner. It checks the request, loads the configuration, opens the recipe registry, the
// downloader and the version resolver, resolves the target facts (probing Vulkan only when a
// decision reads it) and builds the plan::PlanRequest. The CLI binds flags into
// PlanSessionOptions and prints what comes back.
#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "fetch/downloader.hpp"
#include "plan/planner.hpp"
#include "platform/detect.hpp"
#include "platform/facts.hpp"
#include "recipe/registry.hpp"
#include "recipe/request.hpp"
#include "util/output.hpp"
#include "util/result.hpp"
#include "version/resolver.hpp"

namespace tailor::app {

// What planning reads of the configuration (config/keys.hpp): facts, backend, version lookups
// and the downloads that find checksums; offline, only the first two.
inline constexpr config::Uses k_planning_uses =
    config::uses::detect | config::uses::plan | config::uses::api | config::uses::download;
inline constexpr config::Uses k_offline_planning_uses = config::uses::detect | config::uses::plan;

struct PlanSessionOptions {
  std::string tool;         // "name", "name@version" or "owner/repo[:recipe][@version]"; "" with recipe_file
  std::string registry;     // --registry: recipe directory searched first
  std::string recipe_file;  // --recipe FILE
  std::string version;      // --version
  std::string backend;      // --backend
  std::string pin_from;     // --pin-from: a plan used as a lock
  bool force = false;
  bool offline = false;
  bool strict = false;
  bool refresh = false;
  bool strict_gpu = false;  // --strict-gpu: a GPU plan for a GPU this process cannot see is refused
  // A lock target (docs/projects.md): planned from the overridden facts alone, as for another
  // machine, even when its os and arch are this machine's.
  bool target_only = false;
  // The fact request (flags over the configuration's detect.* and gpu.device); its flags.os
  // and flags.arch make the target foreign when they differ from this machine.
  std::function<platform::DetectRequest(const config::Config&)> detect_request;
};

// The seams a session opens; the defaults are the real ones. Tests pass doubles.
struct SessionSeams {
  std::function<Result<platform::Facts>(const platform::DetectRequest&)> resolve_facts;
  std::function<Result<std::unique_ptr<fetch::Downloader>>(const util::Output&)> downloader;
  std::function<std::unique_ptr<version::Resolver>(bool refresh)> resolver;
};
SessionSeams default_seams();

// Everything a planning command needs, owned in one place.
struct PlanSession {
  std::unique_ptr<recipe::Registry> registry;
  std::unique_ptr<fetch::Downloader> downloader;
  std::unique_ptr<version::Resolver> resolver;
  std::unique_ptr<plan::EcosystemLocker> locker;  // online only: npm_install's lock at plan time
  platform::Facts facts;
  plan::PlanServices services;
  plan::PlanRequest request;
  bool foreign = false;        // --os/--arch name another machine than this one
  bool probed_vulkan = false;  // the facts were resolved again with need_vulkan
};

// Checks `tool` ("name" or "name@version"), --version and --backend before anything is
// resolved: a bad one is ErrorKind::usage (docs/user-guide.md, "Tool names and versions").
Status check_plan_request(const PlanSessionOptions& options);

// The tool name and requested version of `options` ("" = newest; "latest" is newest too).
// Both TOOL@VERSION and --version (without --recipe) is ErrorKind::usage.
Result<recipe::ToolRequest> requested_tool(const PlanSessionOptions& options);

// Whether planning `recipe` reads the `vulkan` fact, so that Tier 1 must run: only the auto
// ladder of a recipe with a vulkan step reads it, only on a GPU vendor whose ladder has a
// vulkan rung, and not when an override gives the fact or the target is another machine.
bool needs_vulkan_probe(const recipe::Recipe& recipe, const platform::Facts& facts, const std::string& backend,
                        bool target_overridden);

// Resolves facts, recipe, target and backend for `options.tool`.
Result<std::unique_ptr<PlanSession>> open_plan_session(const PlanSessionOptions& options, const util::Output& output,
                                                       const SessionSeams& seams = default_seams());

// Opens a session and plans: warnings go to `output`. The session stays with the outcome.
struct PlannedTool {
  std::unique_ptr<PlanSession> session;
  plan::PlanOutcome outcome;
};
Result<PlannedTool> plan_tool(const PlanSessionOptions& options, const util::Output& output,
                              const SessionSeams& seams = default_seams());

// A plan that uses the GPU (a GPU backend, or builds chosen by GPU vendor) on a machine whose GPU
// is present but not visible to this process (gpu_visible false: a container started without
// the device nodes) gets a warning naming the likely fix; with options.strict_gpu it is refused
// (ErrorKind::install). Foreign targets and GPUs only named by --gpu are not checked.
Status check_gpu_visible(const PlanSession& session, const plan::PlanOutcome& outcome, bool strict,
                         const util::Output& output);

// Prints the backend ladder with each reason (to stderr).
void print_ladder(const plan::PlanOutcome& outcome, const util::Output& output);

}  // namespace tailor::app
