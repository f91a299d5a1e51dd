// `tailor verify`: re-run each installed tool's verify and check its binaries (unchanged, and able
// to run on this machine) and links. One verdict per tool and version (docs/user-guide.md,
// "Checking installed tools").
#include "command.hpp"
#include "install/verify_installed.hpp"
#include "platform/detect.hpp"
#include "recipe/request.hpp"
#include "util/strings.hpp"

namespace tailor::cli {
namespace {

struct Options {
  std::string tool;
  bool all = false;
};

// "hello@1.0.0: ok", or "hello@1.0.0: failed" with each problem and the fix below it.
void print_verdict(const install::VerifyVerdict& verdict, const util::Output& output) {
  const std::string label = verdict.tool + "@" + verdict.version + (verdict.active ? "" : " (inactive)");
  if (verdict.ok()) {
    output.print("{}: ok\n", label);
    return;
  }
  output.print("{}: failed\n", label);
  for (const auto& problem : verdict.problems) {
    // A multi-line problem (a verify command's output) stays indented under its verdict.
    output.print("  {}\n", util::replace_all(problem, "\n", "\n    "));
  }
  output.print("  fix: {}\n", verdict.fix);
}

const bool k_registered = register_command(
    {"verify", "Check installed tools still work (exit 7 on failure)", [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       CLI::Option* named =
           app.add_option("tool", opts->tool, "NAME or NAME@VERSION to verify (default: every installed tool)");
       app.add_flag("--all", opts->all, "Check every installed version, inactive ones and dependencies included");
       return [opts, named, &ctx]() -> Result<int> {
         install::VerifyRequest request;
         request.all = opts->all;
         // `verify ''` names no tool: a usage error, never "verify everything".
         if (named->count() > 0) {
           if (opts->tool.find('@') != std::string::npos) {
             auto parsed = recipe::parse_tool_request(opts->tool);
             if (!parsed) return fail(parsed.error());
             request.tool = parsed->tool;
             if (!parsed->version.empty()) request.version = parsed->version;
           } else {
             if (auto checked = recipe::check_tool_name(opts->tool); !checked) return fail(checked.error());
             request.tool = opts->tool;
           }
         }
         // The machine the binaries must run on (docs/install.md, "Can the build run here?"):
         // detection without probes, under TAILOR_FACTS and TAILOR_* overrides like every command.
         platform::DetectRequest detect;
         detect.probe = "none";
         auto facts = platform::resolve_facts(detect);
         if (!facts) return fail(facts.error());
         auto verdicts = install::verify_installed(install::home_layout(), request, install::run_host_of(*facts));
         if (!verdicts) return fail(verdicts.error());
         std::vector<std::string> failed;
         for (const auto& verdict : *verdicts) {
           print_verdict(verdict, ctx.output);
           if (!verdict.ok()) failed.push_back(verdict.tool + "@" + verdict.version);
         }
         if (failed.empty()) return 0;
         return fail(ErrorKind::verify, "{} of {} checked version{} failed: {}", failed.size(), verdicts->size(),
                     verdicts->size() == 1 ? "" : "s", util::join(failed, ", "));
       };
     }});

}  // namespace
}  // namespace tailor::cli
