// `tailor install`: plan (or take a stored plan and re-check it), then execute it safely.
#include <functional>
#include <optional>

#include "app/install.hpp"
#include "app/project.hpp"
#include "command.hpp"
#include "config/environment.hpp"
#include "plan_support.hpp"
#include "util/canonical_json.hpp"
#include "util/error_kinds.hpp"

namespace tailor::cli {
namespace {

struct InstallFlags {
  PlanFlags plan;
  std::vector<std::string> tools;
  std::string plan_file;
  std::string from_dir;
  std::string lock_timeout;
  std::string lock_token;
  std::string mirror;
  bool dry_run = false;
  bool reinstall = false;
  bool keep_failed = false;
  bool strict_gpu = false;
  bool yes = false;
  bool json = false;
  bool locked = false;
};

// `node`: the plan or one of its dependencies, which name their parts alike.
template <typename PlanNode>
void print_dry_run(const PlanNode& node, const util::Output& output, int depth = 0) {
  std::string indent(static_cast<size_t>(depth) * 2, ' ');
  output.print("{}{}@{}\n", indent, node.tool, node.version);
  for (const plan::DependencyPlan& dep : node.dependencies) print_dry_run(dep, output, depth + 1);
  if (!node.steps) return;
  for (const plan::PlanStep& step : *node.steps) {
    std::string detail = step.url.empty() ? "" : " " + step.url;
    output.print("{}  - {}{}\n", indent, step.action, detail);
  }
}

nlohmann::ordered_json error_json(const Error& error) {
  return {{"status", "error"},
          {"category", kind_name(error.kind)},
          {"message", error.message},
          {"exit_code", exit_code(error.kind)}};
}

// One line per tool of `tailor install a b c`, after all of them were tried.
void print_summary(const app::InstallReport& report, const util::Output& output) {
  *output.err << "summary:\n";
  for (const auto& tool : report.tools) {
    if (tool.error) {
      *output.err << fmt::format("  {}: failed ({}, exit {})\n", tool.label, kind_name(tool.error->kind),
                                 exit_code(tool.error->kind));
    } else {
      *output.err << fmt::format("  {}: {}\n", tool.label, tool.already_installed ? "already installed" : "installed");
    }
  }
}

nlohmann::ordered_json tools_json(const app::InstallReport& report) {
  nlohmann::ordered_json tools = nlohmann::ordered_json::array();
  for (const auto& tool : report.tools) {
    nlohmann::ordered_json entry{{"tool", tool.request}};
    if (tool.error) {
      entry.update(error_json(*tool.error));
    } else {
      entry["status"] = tool.already_installed ? "already_installed" : "installed";
      entry["installed"] = tool.label;
    }
    tools.push_back(std::move(entry));
  }
  return tools;
}

Result<int> run_install(const InstallFlags& flags, const Context& ctx) {
  app::InstallRequest request;
  request.plan = session_options(flags.plan, "");
  request.tools = flags.tools;
  request.plan_file = flags.plan_file;
  request.from_dir = flags.from_dir;
  request.lock_timeout = flags.lock_timeout;
  request.lock_token = flags.lock_token;
  request.dry_run = flags.dry_run;
  request.reinstall = flags.reinstall;
  request.keep_failed = flags.keep_failed;
  request.strict_gpu = flags.strict_gpu;
  request.explain = flags.plan.explain;
  request.consent = {flags.yes, registry::terminal_question()};
  if (!flags.mirror.empty() && !flags.locked)
    return fail(ErrorKind::usage, "--mirror installs a pushed project lock: use it with --locked");
  if (flags.locked && !flags.tools.empty())
    return fail(ErrorKind::usage, "--locked installs the project's tools from tailor.lock; name no tools with it");
  // No tool and no plan: the project's tools (docs/projects.md).
  const bool project = flags.tools.empty() && flags.plan_file.empty();
  if (flags.locked && !project) return fail(ErrorKind::usage, "--locked and --plan FILE cannot be combined");
  auto report = project ? app::install_project({request, ".", flags.locked, flags.mirror}, ctx.output)
                        : app::install_tools(request, ctx.output);
  if (!report) {
    // --json: a failure before any tool was tried is a document too, naming its kind.
    if (flags.json) ctx.output.write(util::canonical_json(error_json(report.error())));
    return fail(report.error());
  }
  const std::optional<Error> failed = app::tools_failure(*report);
  if (flags.dry_run) {
    for (const auto& plan : report->plans) print_dry_run(plan, ctx.output);
    if (failed) print_summary(*report, ctx.output);
    return failed ? fail(*failed) : Result<int>(0);
  }
  const install::InstallOutcome& outcome = report->outcome;
  if (flags.json) {
    nlohmann::ordered_json doc{
        {"status", failed ? "error" : "ok"}, {"installed", outcome.installed}, {"skipped", outcome.skipped}};
    if (failed) {
      doc.update(error_json(*failed));
      if (failed->kind == ErrorKind::partial) doc["status"] = "partial";
    }
    if (!report->tools.empty()) doc["tools"] = tools_json(*report);
    ctx.output.write(util::canonical_json(doc));
    // The document above is the whole answer; main prints the error line and exits with its code.
    return failed ? fail(*failed) : Result<int>(0);
  }
  for (const auto& label : outcome.installed) ctx.output.print("{}\n", label);
  std::string padded = ":" + config::env_value(config::EnvVar::path).value_or("") + ":";
  if (!outcome.installed.empty() && padded.find(":" + report->bin.string() + ":") == std::string::npos) {
    ctx.output.info("add {} to your PATH: eval \"$(tailor shellenv)\"", report->bin.string());
  }
  if (failed) {
    print_summary(*report, ctx.output);
    return fail(*failed);
  }
  return 0;
}

const bool k_registered = register_command(
    {"install", "Install tools (or a stored plan) safely: each one all or nothing",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<InstallFlags>();
       app.add_option("tools", flags->tools,
                      "TOOL[@VERSION] or OWNER/REPO[:RECIPE][@VERSION], installed in order (one that fails does not "
                      "stop the next)");
       add_plan_flags(app, flags->plan);
       app.add_option("--plan", flags->plan_file,
                      "Execute this plan file (JSON, format 5; - for stdin) after re-checking its platform");
       app.add_option("--from", flags->from_dir, "Take artifacts from this bundle directory (made by `tailor fetch`)");
       app.add_option("--lock-timeout", flags->lock_timeout,
                      "How long to wait for another tailor (seconds or 500ms/30s/2m)");
       app.add_option("--lock-token", flags->lock_token,
                      "Token of the reservation held on this install root (or TAILOR_LOCK_TOKEN)");
       app.add_flag("--strict-gpu", flags->strict_gpu,
                    "A failing backend smoke check fails the install instead of falling back");
       app.add_flag("--dry-run", flags->dry_run, "Print the plan's steps without installing");
       app.add_flag("--reinstall", flags->reinstall,
                    "Install again a version that is already installed (the old one stays until the new one verifies)");
       app.add_flag("--keep-failed", flags->keep_failed,
                    "Keep a build that fails verify, unlinked, as tools/<name>-<version>.failed for inspection");
       app.add_flag("-y,--yes", flags->yes,
                    "Assume yes: install from an owner/repo source that is not registered, and register it");
       app.add_flag("--json", flags->json, "Print the result as JSON");
       app.add_flag("--locked", flags->locked,
                    "Install exactly tailor.lock's plans for this machine (no tool names; see `tailor resolve`)");
       app.add_option("--mirror", flags->mirror,
                      "With --locked: install the lock pushed to oci://HOST[:PORT]/NAMESPACE:TAG, its artifacts "
                      "from that registry (no tailor.toml needed)");
       app.footer(
           "Without tool names, installs the tools of the project (tailor.toml or .tsuku.toml here or above).\n"

           "--force reinstalls an installed version (like --reinstall) and accepts a plan made for another machine.\n"
           "Missing system packages stop the install before anything changes (exit 8).");
       return [flags, &ctx]() -> Result<int> { return run_install(*flags, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
