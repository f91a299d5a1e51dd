// Per-action parameter checks: the helpers the checks of lib/actions/ share, and the call of
// each step's check (recipe/action_behaviour.hpp). Errors and warnings go to field `steps[i]`.
#include "recipe/validate_actions.hpp"

#include "recipe/action_behaviour.hpp"
#include "recipe/actions.hpp"
#include "util/strings.hpp"

namespace tailor::recipe::detail {

void StepCheck::warning(std::string message) const {
  if (darwin_only && message.find("only works on macOS") != std::string::npos) return;
  c.warning(field, std::move(message));
}

bool StepCheck::missing(std::string_view key) const {
  const nlohmann::json* v = param(step, key);
  return v == nullptr || v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty()) ||
         (v->is_array() && v->empty());
}

void StepCheck::require(std::string_view key) const {
  if (missing(key)) error(fmt::format("{} requires '{}' parameter", step.action, key));
}

void StepCheck::mapping_use(std::string_view target, std::string_view target_name) const {
  if (has("os_mapping") && target.find("{os}") == std::string_view::npos)
    warning(fmt::format("os_mapping is unused: {} does not contain {{os}}", target_name));
  if (has("arch_mapping") && target.find("{arch}") == std::string_view::npos)
    warning(fmt::format("arch_mapping is unused: {} does not contain {{arch}}", target_name));
}

void StepCheck::redundant_format(std::string_view source, std::string_view source_name) const {
  const std::string format = str("archive_format");
  if (!format.empty() && format == detect_archive_format(source))
    warning(fmt::format("archive_format '{}' is redundant; it is detected from {}", format, source_name));
}

void StepCheck::repo_checks() const {
  const std::string repo = str("repo");
  if (repo.empty())
    error(fmt::format("{} requires 'repo' parameter", step.action));
  else if (std::count(repo.begin(), repo.end(), '/') != 1)
    error(fmt::format("repo '{}' must have the form owner/name", repo));
}

void StepCheck::checksum_url_version(std::string_view source) const {
  const std::string checksum_url = str("checksum_url");
  if (!checksum_url.empty() && source.find("{version}") != std::string_view::npos &&
      checksum_url.find("{version}") == std::string::npos)
    warning("checksum_url does not contain {version} although the download does; it will not follow new versions");
}

void StepCheck::fallback_checks() const {
  const nlohmann::json* fallbacks = param(step, "fallback_urls");
  if (fallbacks == nullptr || !fallbacks->is_array()) return;
  if (fallbacks->empty()) {
    warning("fallback_urls is empty; remove it or list mirror URLs");
    return;
  }
  const std::string url = str("url");
  std::vector<std::string> seen{url};
  for (size_t k = 0; k < fallbacks->size(); ++k) {
    if (!(*fallbacks)[k].is_string()) continue;
    const std::string entry = (*fallbacks)[k].get<std::string>();
    const std::string entry_field = fmt::format("{}.fallback_urls[{}]", field, k);
    if (util::trim(entry).empty()) {
      c.error(entry_field, "fallback URL is blank");
      continue;
    }
    if (!entry.starts_with("https://"))
      c.error(entry_field, fmt::format("fallback URL must use https:// (got: {})", entry));
    if (std::find(seen.begin(), seen.end(), entry) != seen.end())
      c.warning(entry_field, fmt::format("fallback URL '{}' duplicates the url or an earlier entry", entry));
    if (url.find("{version}") != std::string::npos && entry.find("{version}") == std::string::npos)
      c.warning(entry_field, "fallback URL lacks {version} while url has it");
    seen.push_back(entry);
  }
}

void check_action_params(Checker& c, size_t index, const Step& step, ActionKind kind) {
  const auto& os = c.recipe().metadata.supported_os;
  StepCheck s{c, step, fmt::format("steps[{}]", index), os && *os == std::vector<std::string>{"darwin"}};
  if (ActionCheck check = action_behaviour(kind).check) check(s);
  const ActionTraits& traits = action_traits(kind);
  if (traits.evaluable && traits.execution == ActionExecution::none)
    s.warning(fmt::format("{} is evaluable, but this tailor has no executor for it yet; installing the step fails",
                          step.action));
}

}  // namespace tailor::recipe::detail
