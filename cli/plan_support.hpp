#pragma once
// Flags shared by the commands that plan: eval, plan, install.
#include <string>

#include <CLI/CLI.hpp>

#include "app/plan_session.hpp"
#include "fact_options.hpp"

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

// Adds the planning flags (facts, --registry, --recipe, --version, --backend, --pin-from,
// --force, --offline, --strict, --explain).
void add_plan_flags(CLI::App& app, PlanFlags& flags);

// The session options for `tool` ("name", "name@version" or "" with --recipe). `flags` must
// outlive them (the fact request reads them when the session opens).
app::PlanSessionOptions session_options(const PlanFlags& flags, const std::string& tool);

}  // namespace tailor::cli
