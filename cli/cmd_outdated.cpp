// `tailor outdated`: installed tools with a newer version their request allows.
#include <ctime>

#include "app/update.hpp"
#include "command.hpp"
#include "util/canonical_json.hpp"
#include "util/error_kinds.hpp"

namespace tailor::cli {
namespace {

struct OutdatedFlags {
  std::vector<std::string> tools;
  std::string registry;
  bool json = false;
  bool refresh = false;
  bool offline = false;
};

std::string utc_time(int64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  ::gmtime_r(&time, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string_view status_of(const app::OutdatedTool& tool) {
  if (tool.error) return "error";
  if (!tool.skipped.empty()) return "skipped";
  return tool.outdated ? "outdated" : "up_to_date";
}

nlohmann::ordered_json report_json(const app::OutdatedReport& report) {
  nlohmann::ordered_json tools = nlohmann::ordered_json::array();
  for (const auto& tool : report.tools) {
    nlohmann::ordered_json entry{
        {"tool", tool.tool}, {"installed", tool.installed}, {"requested", tool.requested}, {"status", status_of(tool)}};
    entry["newest"] = tool.newest.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(tool.newest);
    if (!tool.skipped.empty()) entry["reason"] = tool.skipped;
    if (tool.error) {
      entry["category"] = kind_name(tool.error->kind);
      entry["message"] = tool.error->message;
    }
    tools.push_back(std::move(entry));
  }
  nlohmann::ordered_json doc{{"tools", tools}, {"offline", report.offline}};
  if (report.offline) {
    doc["offline_reason"] = report.offline_reason;
    doc["cache_fetched_at"] = utc_time(report.cache_fetched_at);
  }
  return doc;
}

void print_report(const app::OutdatedReport& report, const util::Output& output) {
  bool any = false;  // a line was printed for some tool
  for (const auto& tool : report.tools) {
    if (tool.error) {
      any = true;
      output.warn("{}: cannot check: {}", tool.tool, tool.error->message);
    } else if (!tool.skipped.empty()) {
      output.info("{}: not checked: {}", tool.tool, tool.skipped);
    } else if (tool.outdated) {
      any = true;
      output.print("{} {} -> {}{}\n", tool.tool, tool.installed, tool.newest,
                   tool.requested.empty() ? "" : " (requested " + tool.requested + ")");
    }
  }
  if (!any) output.info("every checked tool is up to date");
}

const bool k_registered = register_command(
    {"outdated", "List installed tools with a newer version their request allows",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<OutdatedFlags>();
       app.add_option("tools", flags->tools, "Installed tools to check (default: every installed tool)");
       app.add_flag("--json", flags->json, "Print JSON: {tools[], offline}");
       app.add_flag("--refresh", flags->refresh, "Ask the version providers even when the version cache is fresh");
       app.add_flag("--offline", flags->offline, "Answer from the version cache only, whatever its age");
       app.add_option("--registry", flags->registry, "Recipe directory searched before the built-in recipes");
       app.footer("Exit 0 whether or not a tool is outdated; a tool that cannot be checked is an error.");
       return [flags, &ctx]() -> Result<int> {
         app::OutdatedRequest request{flags->tools, flags->registry, flags->refresh, flags->offline};
         auto report = app::find_outdated(request, ctx.output);
         if (!report) return fail(report.error());
         if (report->offline) {
           ctx.output.warn("answered offline from the version cache (oldest answer fetched {}): {}",
                           utc_time(report->cache_fetched_at), report->offline_reason);
         }
         if (flags->json)
           ctx.output.write(util::canonical_json(report_json(*report)));
         else
           print_report(*report, ctx.output);
         if (auto failed = app::outdated_failure(*report)) return fail(*failed);
         return 0;
       };
     }});

}  // namespace
}  // namespace tailor::cli
