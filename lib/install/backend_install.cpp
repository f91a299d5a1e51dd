#include "install/backend_install.hpp"

#include "config/environment.hpp"
#include "coord/events.hpp"
#include "install/receipt.hpp"
#include "install/state.hpp"
#include "install/subprocess.hpp"
#include "util/canonical_json.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace {

bool is_auto(const std::string& requested) { return requested.empty() || requested == "auto"; }

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The backend choice joins the install record the executor wrote (or writes, for a switch).
Status write_receipt(const std::filesystem::path& tool_dir, const nlohmann::ordered_json& receipt) {
  return merge_receipt(tool_dir, receipt);
}

// The next rung of `pending` (in order) that plans on this target; unusable ones are rejected.
std::optional<plan::PlanOutcome> plan_next(std::vector<std::string>& pending, const BackendInstallSteps& steps,
                                           std::vector<plan::BackendRung>& rejected, const std::string& tool,
                                           const util::Output& output) {
  while (!pending.empty()) {
    std::string backend = pending.front();
    pending.erase(pending.begin());
    auto planned = steps.plan(backend);
    if (planned) return std::move(*planned);
    output.info("{}: cannot use backend {}: {}", tool, backend, planned.error().message);
    rejected.push_back({backend, false, true, planned.error().message});
  }
  return std::nullopt;
}

// The backend.fallback lifecycle event (sent with no lock held: the fallback runs between installs).
void emit_fallback(const Layout& layout, const std::string& tool, const std::string& version, const std::string& from,
                   const std::string& to, const std::string& why, const util::Output& output) {
  coord::Event event = coord::make_event(coord::event_type::k_backend_fallback, tool);
  event.version = version;
  event.backend = to;
  event.from_backend = from;
  event.error = why;
  auto config = config::load_config(layout.root, &output, config::uses::events);
  if (!config) {
    output.warn("backend.fallback event not sent: {}", config.error().message);
    return;
  }
  coord::emit_event(event, *config, output);
}

std::string rejected_names(const std::vector<plan::BackendRung>& rejected) {
  std::vector<std::string> names;
  names.reserve(rejected.size());
  for (const auto& rung : rejected) names.push_back(rung.backend);
  return util::join(names, ", ");
}

}  // namespace

std::string installed_backend(const Layout& layout, const std::string& tool, const std::string& version) {
  auto state = read_state(layout);
  if (!state) return "";
  auto entry = state->installed.find(tool);
  if (entry == state->installed.end()) return "";
  auto record = entry->second.versions.find(version);
  if (record == entry->second.versions.end()) return "";
  std::error_code ec;
  if (!std::filesystem::is_directory(layout.tool_dir(tool, version), ec)) return "";
  const auto& plan = record->second.plan;
  auto platform = plan.find("platform");
  if (platform == plan.end() || !platform->is_object()) return "";
  auto backend = platform->find("backend");
  return backend != platform->end() && backend->is_string() ? backend->get<std::string>() : "";
}

std::string backend_device(const std::string& backend) {
  if (backend == "cuda") return "CUDA";
  if (backend == "rocm") return "ROCm";
  if (backend == "vulkan") return "Vulkan";
  if (backend == "sycl") return "SYCL";
  if (backend == "metal") return "Metal";
  return "CPU";
}

Status run_backend_check(const SmokeInput& input) {
  auto expand = [&](const std::string& text) {
    std::string out = util::replace_all(text, "{backend_device}", backend_device(input.backend));
    out = util::replace_all(out, "{version}", input.version);
    return util::replace_all(out, "{install_dir}", input.install_dir.string());
  };
  std::string command = expand(input.check.command);
  std::string path = util::join(input.path_dirs, ":");
  path += std::string(path.empty() ? "" : ":") + config::env_value(config::EnvVar::path).value_or("/usr/bin:/bin");
  ProcessOptions options;
  options.timeout = std::chrono::seconds(input.check.timeout > 0 ? input.check.timeout : 20);
  options.env["PATH"] = path;
  auto result = run_process({"/bin/sh", "-c", command}, options);
  if (!result) return fail(ErrorKind::install, "smoke check '{}' could not run: {}", command, result.error().message);
  std::string output(util::trim(result->output));
  if (result->timed_out) {
    return fail(ErrorKind::install, "smoke check '{}' did not finish within {} s and was killed", command,
                options.timeout.count() / 1000);
  }
  if (result->exit_code != 0) {
    return fail(ErrorKind::install, "smoke check '{}' exited with {}; output: {}", command, result->exit_code,
                first_line(output));
  }
  if (!input.check.pattern.empty()) {
    std::string pattern = expand(input.check.pattern);
    if (output.find(pattern) == std::string::npos) {
      return fail(ErrorKind::install, "smoke check '{}' output does not contain '{}'; output: {}", command, pattern,
                  first_line(output));
    }
  }
  return {};
}

nlohmann::ordered_json make_receipt(const std::string& requested, const std::string& chosen,
                                    const std::vector<plan::BackendRung>& rejected, const plan::Target& target,
                                    const plan::Plan& plan) {
  auto rungs = nlohmann::ordered_json::array();
  for (const auto& rung : rejected) rungs.push_back({{"backend", rung.backend}, {"reason", rung.reason}});
  return nlohmann::ordered_json{
      {"tool", plan.tool},
      {"version", plan.version},
      {"requested_backend", is_auto(requested) ? std::string("auto") : requested},
      {"backend", chosen},
      {"rejected", rungs},
      {"facts",
       {{"os", target.os}, {"arch", target.arch}, {"gpu", tuple::name(target.gpu)}, {"gpu_driver", target.gpu_driver}}},
      {"plan_sha256", util::sha256_hex(util::canonical_json(plan::plan_to_json(plan)))}};
}

Result<BackendInstallResult> install_with_backend(const Layout& layout, const BackendInstallRequest& request,
                                                  const BackendInstallSteps& steps, const util::Output& output) {
  auto first = steps.plan("");
  if (!first) return fail(first.error());
  if (first->backend.empty()) {
    auto installed = steps.install(first->value, {}, nullptr);
    if (!installed) return fail(installed.error());
    return BackendInstallResult{std::move(*installed), nullptr};
  }
  bool may_fall_back = is_auto(request.requested) && !request.strict_gpu;
  std::vector<plan::BackendRung> rejected;
  std::vector<std::string> pending;
  for (const auto& rung : first->ladder) {
    if (!rung.tried)
      pending.push_back(rung.backend);
    else if (!rung.chosen)
      rejected.push_back(rung);
  }
  plan::PlanOutcome current = std::move(*first);
  // Moves down the ladder after `current` failed its smoke check (or, with `cannot_run`, was
  // refused before install because it cannot run here); an error ends the install.
  auto fall_back = [&](const std::string& tool, const std::string& version, const std::string& why, bool kept,
                       bool cannot_run = false) -> Result<plan::PlanOutcome> {
    std::string outcome = cannot_run ? "; nothing was installed"
                          : kept     ? "; the installed build was kept"
                                     : " and was removed";
    const char* failed = cannot_run ? "cannot run on this machine" : "failed its smoke check";
    if (!may_fall_back) {
      return fail(ErrorKind::install, "{}@{}: the {} build {}{}{}: {}", tool, version, current.backend, failed, outcome,
                  request.strict_gpu ? " (--strict-gpu)" : " (explicit backend, no fallback)", why);
    }
    output.info("{}@{}: the {} build {}{}: {}", tool, version, current.backend, failed, outcome, why);
    rejected.push_back(
        {current.backend, false, true, (cannot_run ? "cannot run here: " : "smoke check failed: ") + why});
    auto next = plan_next(pending, steps, rejected, tool, output);
    if (!next)
      return fail(ErrorKind::install, "{}: no backend passed its smoke check (rejected: {})", tool,
                  rejected_names(rejected));
    output.info("{}: falling back from {} to {}", tool, current.backend, next->backend);
    emit_fallback(layout, tool, version, current.backend, next->backend, why, output);
    return std::move(*next);
  };
  while (true) {
    const std::string tool = current.value.tool;
    const std::string version = current.value.version;
    auto tool_dir = layout.tool_dir(tool, version);
    std::string existing = installed_backend(layout, tool, version);
    if (!existing.empty() && existing != current.backend) {
      // A switch: the check runs on the staged build, whose own directories come first on PATH.
      output.info(
          "{}@{}: switching from the {} build to {}; the {} build stays in use until the new one passes its checks",
          tool, version, existing, current.backend, existing);
      auto receipt = make_receipt(request.requested, current.backend, rejected, request.target, current.value);
      std::optional<std::string> smoke_failure;
      auto check = [&](const std::filesystem::path& staged, const std::vector<std::string>& path_dirs) -> Status {
        if (request.check) {
          auto smoke = run_backend_check({*request.check, current.backend, tool, version, staged, path_dirs});
          if (!smoke) {
            smoke_failure = smoke.error().message;
            return smoke;
          }
        }
        return write_receipt(staged, receipt);
      };
      std::string cannot_run;
      auto installed = steps.install(current.value, check, &cannot_run);
      if (installed) {
        output.info("{}@{}: switched from {} to {}", tool, version, existing, current.backend);
        return BackendInstallResult{std::move(*installed), std::move(receipt)};
      }
      if (!smoke_failure && cannot_run.empty()) return fail(installed.error());
      auto next = smoke_failure ? fall_back(tool, version, *smoke_failure, true)
                                : fall_back(tool, version, cannot_run, true, true);
      if (!next) return fail(next.error());
      current = std::move(*next);
      continue;
    }
    std::string cannot_run;
    auto installed = steps.install(current.value, {}, &cannot_run);
    if (!installed && !cannot_run.empty()) {
      auto next = fall_back(tool, version, cannot_run, false, true);
      if (!next) return fail(next.error());
      current = std::move(*next);
      continue;
    }
    if (!installed) return fail(installed.error());
    // Already installed: what is there was checked when it was installed; leave it and its receipt.
    if (!installed->skipped.empty() && installed->skipped.front() == fmt::format("{}@{}", tool, version)) {
      return BackendInstallResult{std::move(*installed), nullptr};
    }
    Status smoke;
    if (request.check) {
      smoke = run_backend_check({*request.check,
                                 current.backend,
                                 tool,
                                 version,
                                 tool_dir,
                                 {(tool_dir / "bin").string(), layout.bin().string()}});
    }
    if (smoke) {
      auto receipt = make_receipt(request.requested, current.backend, rejected, request.target, current.value);
      if (auto written = write_receipt(tool_dir, receipt); !written) return fail(written.error());
      return BackendInstallResult{std::move(*installed), std::move(receipt)};
    }
    if (auto removed = steps.remove(tool, version); !removed) {
      output.warn("{}@{}: could not remove the {} build: {}", tool, version, current.backend, removed.error().message);
    }
    auto next = fall_back(tool, version, smoke.error().message, false);
    if (!next) return fail(next.error());
    current = std::move(*next);
  }
}

}  // namespace tailor::install
