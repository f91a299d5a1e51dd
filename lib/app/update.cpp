#include "app/update.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "config/config.hpp"
#include "config/home.hpp"
#include "install/activate.hpp"
#include "install/receipt.hpp"
#include "install/state.hpp"
#include "recipe/registry.hpp"
#include "recipe/request.hpp"
#include "registry/sources.hpp"
#include "util/error_kinds.hpp"
#include "util/strings.hpp"
#include "version/resolver.hpp"
#include "version/version_compare.hpp"

namespace tailor::app {
namespace {

// The version resolver of `outdated`: through the version cache, and once a provider cannot
// be reached (or with --offline) from the cache alone, whatever the age of its answers.
class VersionLookup {
 public:
  explicit VersionLookup(const OutdatedRequest& request)
      : m_options(version::default_resolver_options(request.refresh)),
        m_answers(std::make_shared<version::OfflineAnswers>()) {
    m_options.client.offline_answers = m_answers;
    if (request.offline) go_offline("--offline");
    m_resolver = version::make_resolver(m_options);
  }

  Result<version::ResolvedVersion> resolve(const recipe::Recipe& recipe, const std::string& requested) {
    auto resolved = m_resolver->resolve(recipe, requested);
    if (resolved || resolved.error().kind != ErrorKind::network || m_options.client.offline) return resolved;
    go_offline(resolved.error().message);
    m_resolver = version::make_resolver(m_options);
    return m_resolver->resolve(recipe, requested);
  }

  void report(OutdatedReport& report) const {
    report.offline = m_options.client.offline && m_answers->count > 0;
    report.offline_reason = m_reason;
    report.cache_fetched_at = m_answers->oldest_fetched_at;
  }

 private:
  void go_offline(std::string reason) {
    m_options.client.offline = true;
    m_reason = std::move(reason);
  }

  version::ResolverOptions m_options;
  std::shared_ptr<version::OfflineAnswers> m_answers;
  std::unique_ptr<version::Resolver> m_resolver;
  std::string m_reason;
};

// The backend the active version's install asked for ("" for none or auto), from its receipt.
std::string requested_backend(const install::Layout& layout, const std::string& tool) {
  auto receipt = install::read_installed_receipt(layout, tool);
  if (!receipt || !*receipt || !(*receipt)->receipt.is_object()) return "";
  std::string backend = (*receipt)->receipt.value("requested_backend", std::string());
  return backend == "auto" ? std::string() : backend;
}

OutdatedTool check_tool(const std::string& name, const install::InstalledTool& entry, const recipe::Registry& registry,
                        VersionLookup& lookup, const install::Layout& layout) {
  OutdatedTool checked;
  checked.tool = name;
  checked.installed = entry.active_version;
  if (auto active = entry.versions.find(entry.active_version); active != entry.versions.end())
    checked.requested = active->second.requested == "latest" ? "" : active->second.requested;
  auto found = registry.find(name);
  if (!found) {
    checked.error = found.error();
    return checked;
  }
  if (*found == nullptr) {
    if (entry.source != "registry") {
      checked.skipped = fmt::format("installed from {}, not from a recipe", entry.source);
    } else {
      checked.error = Error{ErrorKind::recipe_not_found, registry.not_found_message(name)};
    }
    return checked;
  }
  if (!version::has_version_source(**found)) {
    checked.skipped = "its recipe has no version source";
    return checked;
  }
  auto resolved = lookup.resolve(**found, checked.requested);
  if (!resolved) {
    checked.error = resolved.error();
    return checked;
  }
  checked.newest = resolved->version;
  checked.outdated = version::compare_versions(checked.newest, checked.installed) > 0;
  checked.newest_installed = entry.versions.contains(checked.newest);
  checked.backend = requested_backend(layout, name);
  return checked;
}

template <typename Items, typename Failed>
std::optional<Error> shared_failure(const Items& items, Failed failed_of, std::string_view what) {
  std::vector<std::string> names;
  std::optional<ErrorKind> shared;
  bool mixed = false;
  size_t counted = 0;
  for (const auto& item : items) {
    const std::optional<Error>& error = failed_of(item);
    if (!error) continue;
    ++counted;
    names.push_back(fmt::format("{} ({})", item.tool, kind_name(error->kind)));
    if (shared && *shared != error->kind) mixed = true;
    shared = error->kind;
  }
  if (names.empty()) return std::nullopt;
  const ErrorKind kind = counted == items.size() && !mixed ? *shared : ErrorKind::partial;
  if (items.size() == 1) return *failed_of(items.front());
  return Error{kind, fmt::format("{} of {} tools {}: {}", names.size(), items.size(), what, util::join(names, ", "))};
}

}  // namespace

Result<OutdatedReport> find_outdated(const OutdatedRequest& request, const util::Output& output) {
  for (const auto& tool : request.tools) {
    if (auto checked = recipe::check_tool_name(tool); !checked) return fail(checked.error());
  }
  auto config = config::load_config(config::tailor_home(), &output, config::uses::api);
  if (!config) return fail(config.error());
  const install::Layout layout = install::home_layout();
  auto state = install::read_state(layout);
  if (!state) return fail(state.error());
  for (const auto& tool : request.tools) {
    if (!state->installed.contains(tool))
      return fail(ErrorKind::failure, "{} is not installed; `tailor list` shows what is", tool);
  }
  recipe::Registry registry(registry::lookup_options(request.registry, request.offline, &output));
  VersionLookup lookup(request);
  OutdatedReport report;
  for (const auto& [name, entry] : state->installed) {
    const bool named = std::find(request.tools.begin(), request.tools.end(), name) != request.tools.end();
    if (request.tools.empty() ? entry.is_hidden : !named) continue;
    report.tools.push_back(check_tool(name, entry, registry, lookup, layout));
  }
  lookup.report(report);
  return report;
}

std::optional<Error> outdated_failure(const OutdatedReport& report) {
  return shared_failure(
      report.tools, [](const OutdatedTool& tool) -> const std::optional<Error>& { return tool.error; },
      "could not be checked");
}

std::string_view update_status_name(UpdateStatus status) {
  switch (status) {
  case UpdateStatus::updated: return "updated";
  case UpdateStatus::activated: return "activated";
  case UpdateStatus::up_to_date: return "up_to_date";
  case UpdateStatus::would_update: return "would_update";
  case UpdateStatus::skipped: return "skipped";
  case UpdateStatus::failed: return "failed";
  }
  return "failed";
}

namespace {

// Installs the newest version `checked` allows, as `tailor install TOOL@REQUEST` would: the
// request is recorded again with the new version, so the constraint is kept.
UpdatedTool install_newest(const UpdateRequest& request, const OutdatedTool& checked, const util::Output& output,
                           const SessionSeams& seams) {
  UpdatedTool updated{checked.tool, checked.installed, checked.newest, UpdateStatus::updated, "", std::nullopt};
  const install::Layout layout = install::home_layout();
  if (checked.newest_installed) {
    // Installed before (an update, then a rollback): made active again, nothing downloaded.
    auto lock = lock_options(request.install);
    auto activated = lock ? install::activate_version(layout, checked.tool, checked.newest, *lock, output)
                          : Result<install::Activation>(fail(lock.error()));
    if (!activated) {
      updated.status = UpdateStatus::failed;
      updated.error = activated.error();
      return updated;
    }
    updated.status = activated->changed ? UpdateStatus::activated : UpdateStatus::up_to_date;
    return updated;
  }
  InstallRequest one = request.install;
  one.tools = {checked.requested.empty() ? checked.tool : checked.tool + "@" + checked.requested};
  if (one.plan.backend.empty()) one.plan.backend = checked.backend;
  auto installed = install_tools(one, output, seams);
  if (!installed) {
    updated.status = UpdateStatus::failed;
    updated.error = installed.error();
    return updated;
  }
  if (!installed->plans.empty()) updated.to = installed->plans.front().version;
  if (installed->outcome.installed.empty()) {
    // Another tailor installed it while this one waited for the install lock.
    updated.status = UpdateStatus::up_to_date;
    updated.note = "installed meanwhile by another tailor";
  }
  return updated;
}

}  // namespace

Result<UpdateReport> update_tools(const UpdateRequest& request, const util::Output& output, const SessionSeams& seams) {
  if (request.all && !request.tools.empty())
    return fail(ErrorKind::usage, "name tools to update or pass --all, not both");
  if (!request.all && request.tools.empty())
    return fail(ErrorKind::usage, "name the tools to update, or pass --all to update every installed tool");
  for (const auto& tool : request.tools) {
    if (tool.find('@') != std::string::npos) {
      return fail(ErrorKind::usage,
                  "update takes tool names and keeps the version each was installed with; `tailor install {}` "
                  "installs that version",
                  tool);
    }
  }
  OutdatedRequest check{request.tools, request.install.plan.registry, request.install.plan.refresh, false};
  auto checked = find_outdated(check, output);
  if (!checked) return fail(checked.error());
  UpdateReport report;
  for (const auto& tool : checked->tools) {
    UpdatedTool updated{tool.tool, tool.installed, tool.installed, UpdateStatus::up_to_date, tool.skipped, tool.error};
    if (tool.error) {
      updated.status = UpdateStatus::failed;
    } else if (!tool.skipped.empty()) {
      updated.status = UpdateStatus::skipped;
    } else if (tool.outdated && request.dry_run) {
      updated.to = tool.newest;
      updated.status = UpdateStatus::would_update;
    } else if (tool.outdated) {
      updated = install_newest(request, tool, output, seams);
      // As `tailor install a b c`: with several tools each failure is printed as it happens.
      if (updated.error && checked->tools.size() > 1)
        *output.err << output.paint("error: ", "31") << tool.tool << ": " << updated.error->message << '\n';
    }
    report.tools.push_back(std::move(updated));
  }
  report.checked = std::move(*checked);
  return report;
}

std::optional<Error> update_failure(const UpdateReport& report) {
  return shared_failure(
      report.tools, [](const UpdatedTool& tool) -> const std::optional<Error>& { return tool.error; },
      "failed to update");
}

}  // namespace tailor::app
