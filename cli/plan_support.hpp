#pragma once
// Flags and set-up shared by the commands that plan: eval, plan, install.
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "fact_options.hpp"
#include "plan/planner.hpp"
#include "platform/facts.hpp"
#include "recipe/registry.hpp"

namespace tailor::cli {

struct PlanFlags {
  FactFlags facts;
  std::string registry;
  std::string recipe_file;
  std::string version;
  std::string backend;
  std::string pin_from;
  bool force = false;
  bool offline = false;
  bool strict = false;
  bool explain = false;
  bool refresh = false;
};

// What planning reads of the configuration (config/keys.hpp): facts, backend, version lookups
// and the downloads that find checksums; offline, only the first two.
inline constexpr config::Uses k_planning_uses =
    config::uses::detect | config::uses::plan | config::uses::api | config::uses::download;
inline constexpr config::Uses k_offline_planning_uses = config::uses::detect | config::uses::plan;

// Adds the planning flags (facts, --registry, --recipe, --version, --backend, --pin-from,
// --force, --offline, --strict, --explain).
void add_plan_flags(CLI::App& app, PlanFlags& flags);

// Everything a planning command needs, owned in one place.
struct PlanSession {
  std::unique_ptr<recipe::Registry> registry;
  std::unique_ptr<fetch::Downloader> downloader;
  std::unique_ptr<version::Resolver> resolver;
  platform::Facts facts;
  plan::PlanServices services;
  plan::PlanRequest request;
};

// Checks `tool` ("name" or "name@version"), --version and --backend before anything is
// resolved: a bad one is ErrorKind::usage (docs/user-guide.md, "Tool names and versions").
Status check_plan_request(const PlanFlags& flags, const std::string& tool);

// Resolves facts, recipe, target and backend for `tool` ("name" or "name@version").
Result<std::unique_ptr<PlanSession>> open_plan_session(const PlanFlags& flags, const std::string& tool,
                                                       const Context& context);

// Prints the backend ladder with each reason (to stderr).
void print_ladder(const plan::PlanOutcome& outcome, const util::Output& output);

}  // namespace tailor::cli
