// `tailor update`: install the newest version each tool's request allows, with install's safety.
#include "app/update.hpp"
#include "command.hpp"
#include "plan_support.hpp"
#include "util/canonical_json.hpp"
#include "util/error_kinds.hpp"

namespace tailor::cli {
namespace {

struct UpdateFlags {
  PlanFlags plan;  // only --registry and --refresh are bound; the rest keeps install's defaults
  std::vector<std::string> tools;
  std::string lock_timeout;
  std::string lock_token;
  bool all = false;
  bool dry_run = false;
  bool strict_gpu = false;
  bool json = false;
};

nlohmann::ordered_json report_json(const app::UpdateReport& report, const std::optional<Error>& failed) {
  nlohmann::ordered_json tools = nlohmann::ordered_json::array();
  for (const auto& tool : report.tools) {
    nlohmann::ordered_json entry{
        {"tool", tool.tool}, {"from", tool.from}, {"to", tool.to}, {"status", app::update_status_name(tool.status)}};
    if (!tool.note.empty()) entry["note"] = tool.note;
    if (tool.error) {
      entry["category"] = kind_name(tool.error->kind);
      entry["message"] = tool.error->message;
      entry["exit_code"] = exit_code(tool.error->kind);
    }
    tools.push_back(std::move(entry));
  }
  nlohmann::ordered_json doc{{"status", failed ? (failed->kind == ErrorKind::partial ? "partial" : "error") : "ok"},
                             {"tools", tools},
                             {"offline", report.checked.offline}};
  if (failed) {
    doc["category"] = kind_name(failed->kind);
    doc["message"] = failed->message;
    doc["exit_code"] = exit_code(failed->kind);
  }
  return doc;
}

// One line per tool on stdout: "jq 1.7.0 -> 1.7.1"; what did not change goes to stderr.
void print_report(const app::UpdateReport& report, const util::Output& output) {
  for (const auto& tool : report.tools) {
    switch (tool.status) {
    case app::UpdateStatus::updated: output.print("{} {} -> {}\n", tool.tool, tool.from, tool.to); break;
    case app::UpdateStatus::activated:
      output.print("{} {} -> {} (installed already, now active)\n", tool.tool, tool.from, tool.to);
      break;
    case app::UpdateStatus::would_update: output.print("{} {} -> {} (dry run)\n", tool.tool, tool.from, tool.to); break;
    case app::UpdateStatus::up_to_date:
      output.info("{} {} is up to date{}", tool.tool, tool.to, tool.note.empty() ? "" : " (" + tool.note + ")");
      break;
    case app::UpdateStatus::skipped: output.info("{}: not checked: {}", tool.tool, tool.note); break;
    case app::UpdateStatus::failed:
      if (report.tools.size() > 1)
        *output.err << fmt::format("  {}: failed ({}, exit {})\n", tool.tool, kind_name(tool.error->kind),
                                   exit_code(tool.error->kind));
      break;
    }
  }
}

const bool k_registered = register_command(
    {"update", "Install the newest version each tool's request allows (the old one stays for rollback)",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<UpdateFlags>();
       app.add_option("tools", flags->tools, "Installed tools to update");
       app.add_flag("--all", flags->all, "Update every installed tool (not hidden dependencies)");
       app.add_flag("--dry-run", flags->dry_run, "Print what would be updated, installing nothing");
       app.add_flag("--json", flags->json, "Print the result as JSON");
       app.add_flag("--refresh", flags->plan.refresh, "Ask the version providers even when the version cache is fresh");
       app.add_option("--registry", flags->plan.registry, "Recipe directory searched before the built-in recipes");
       app.add_flag("--strict-gpu", flags->strict_gpu,
                    "A failing backend smoke check fails the update instead of falling back");
       app.add_option("--lock-timeout", flags->lock_timeout,
                      "How long to wait for another tailor (seconds or 500ms/30s/2m)");
       app.add_option("--lock-token", flags->lock_token,
                      "Token of the reservation held on this install root (or TAILOR_LOCK_TOKEN)");
       app.footer(
           "Each tool keeps the request it was installed with (ripgrep@14: the newest 14.x) and the backend it\n"
           "asked for; `tailor rollback TOOL` returns to the version that was active before.");
       return [flags, &ctx]() -> Result<int> {
         app::UpdateRequest request;
         request.install.plan = session_options(flags->plan, "");
         request.install.lock_timeout = flags->lock_timeout;
         request.install.lock_token = flags->lock_token;
         request.install.strict_gpu = flags->strict_gpu;
         request.tools = flags->tools;
         request.all = flags->all;
         request.dry_run = flags->dry_run;
         auto report = app::update_tools(request, ctx.output);
         if (!report) return fail(report.error());
         if (report->checked.offline)
           ctx.output.warn("versions answered offline from the version cache: {}", report->checked.offline_reason);
         const std::optional<Error> failed = app::update_failure(*report);
         if (flags->json)
           ctx.output.write(util::canonical_json(report_json(*report, failed)));
         else
           print_report(*report, ctx.output);
         if (failed) return fail(*failed);
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
