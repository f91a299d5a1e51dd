#pragma once
// `tailor install` as one call: plan each tool (or take a stored plan and re-check it against
// this machine), then execute under the install lock; a backend recipe is installed with its
// smoke check and, under auto, falls back down the ladder (docs/planning.md, "At install
// time: smoke check, fallback, receipt"). The CLI binds flags into InstallRequest and prints the report.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/plan_session.hpp"
#include "install/backend_install.hpp"
#include "install/executor.hpp"
#include "install/layout.hpp"
#include "install/operations.hpp"
#include "registry/registered.hpp"
#include "util/output.hpp"
#include "util/result.hpp"

namespace tailor::app {

struct InstallRequest {
  PlanSessionOptions plan;         // shared by every tool; `plan.tool` is set per tool
  std::vector<std::string> tools;  // TOOL or TOOL@VERSION, installed in order
  std::string plan_file;           // --plan FILE ("-" = stdin) instead of tools
  std::string from_dir;            // --from DIR: a bundle made by `tailor fetch`
  std::string lock_timeout, lock_token;
  bool dry_run = false;
  bool reinstall = false;
  bool keep_failed = false;
  bool strict_gpu = false;
  bool explain = false;  // print the backend ladder even with --quiet
  // --yes and the terminal question for `owner/repo` sources that are not registered yet.
  registry::Consent consent;
};

// What became of one tool of `tailor install a b c`.
struct ToolResult {
  std::string request;         // as named: "jq" or "jq@1.7.1"
  std::string label;           // "jq@1.7.1" once planned, else the request
  std::optional<Error> error;  // why it failed (planning or installing)
  bool already_installed = false;
};

struct InstallReport {
  std::vector<plan::Plan> plans;    // what was installed (a dry run: would be)
  install::InstallOutcome outcome;  // empty for a dry run
  std::filesystem::path bin;        // the directory the links are in
  std::vector<ToolResult> tools;    // one per named tool when several were named
};

// Checks, plans and installs. Nothing is downloaded, locked or written for a bad request.
// Several tools are planned and installed one after the other: a tool that fails is reported
// (on stderr and in `tools`) and the next one is installed all the same.
Result<InstallReport> install_tools(const InstallRequest& request, const util::Output& output,
                                    const SessionSeams& seams = default_seams());

// The error a multi-tool report ends with (docs/exit-codes.md): none when every tool
// installed; the shared kind when every tool failed for the same kind of reason; else
// `partial` (exit 15). The message names the tools that failed.
std::optional<Error> tools_failure(const InstallReport& report);

// --lock-timeout and --lock-token of `request` (a bad timeout is ErrorKind::usage).
Result<install::LockOptions> lock_options(const InstallRequest& request);

// How plans are installed and removed; the defaults (real_installer) take the install lock.
struct Installer {
  std::function<Result<install::InstallOutcome>(const std::vector<plan::Plan>& plans,
                                                const install::InstallOptions& options)>
      install;
  std::function<Status(const std::string& tool, const std::string& version)> remove;
};
Installer real_installer(const install::Layout& layout, const install::LockOptions& lock, const util::Output& output);

// One backend recipe: installs `first` (planned by `session`), runs the smoke check and under
// auto plans the next rung with the session's services and installs that instead.
Result<install::BackendInstallResult> install_backend(const PlanSession& session, plan::PlanOutcome first,
                                                      bool strict_gpu, const install::Layout& layout,
                                                      const install::InstallOptions& options,
                                                      const Installer& installer, const util::Output& output);

}  // namespace tailor::app
