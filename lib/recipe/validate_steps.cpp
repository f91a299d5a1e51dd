// Step checks (docs/validation.md, "Step checks"): action names, phases, and the generic parameter checks.
#include "recipe/actions.hpp"
#include "recipe/validate_internal.hpp"
#include "util/strings.hpp"

namespace tailor::recipe::detail {
namespace {

const std::vector<std::string>& action_names() {
  static const std::vector<std::string> k_names = [] {
    std::vector<std::string> out;
    for (const ActionInfo& a : all_actions()) out.emplace_back(a.name);
    return out;
  }();
  return k_names;
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; });
}

// A URL parse in the spirit of a lenient URL parser: reports control characters, bad
// percent-escapes and a missing scheme, and returns the scheme (lowercased, may be empty).
struct UrlCheck {
  std::string error;
  std::string scheme;
};

UrlCheck check_url(std::string_view url) {
  UrlCheck out;
  for (size_t i = 0; i < url.size(); ++i) {
    auto ch = static_cast<unsigned char>(url[i]);
    if (ch < 0x20 || ch == 0x7f) {
      out.error = "invalid URL: invalid control character in URL";
      return out;
    }
    if (ch == '%' && (i + 2 >= url.size() || !std::isxdigit(static_cast<unsigned char>(url[i + 1])) ||
                      !std::isxdigit(static_cast<unsigned char>(url[i + 2])))) {
      out.error = fmt::format("invalid URL: invalid URL escape \"{}\"", url.substr(i, 3));
      return out;
    }
  }
  if (url.starts_with(":")) {
    out.error = "invalid URL: missing protocol scheme";
    return out;
  }
  size_t colon = url.find(':');
  if (colon == std::string_view::npos) return out;
  std::string_view head = url.substr(0, colon);
  if (head.find('/') != std::string_view::npos || head.find('?') != std::string_view::npos ||
      head.find('#') != std::string_view::npos)
    return out;
  if (!std::isalpha(static_cast<unsigned char>(head.front()))) {
    out.error = "invalid URL: first path segment in URL cannot contain colon";
    return out;
  }
  for (char ch : head) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '+' && ch != '-' && ch != '.') return out;
  }
  out.scheme = util::to_lower(head);
  return out;
}

void check_url_value(Checker& c, const std::string& field, std::string_view url) {
  if (url.find('{') != std::string_view::npos) return;
  UrlCheck check = check_url(url);
  if (!check.error.empty())
    c.error(field, check.error);
  else if (!check.scheme.empty() && check.scheme != "http" && check.scheme != "https")
    c.error(field, fmt::format("URL scheme must be http or https, got '{}'", check.scheme));
}

void generic_checks(Checker& c, size_t i, const Step& step) {
  const std::string prefix = fmt::format("steps[{}]", i);
  for (std::string_view key : {"dest", "archive", "binary", "src", "path"}) {
    const std::string value = param_string(step, key);
    if (value.empty() || value.find('{') != std::string::npos) continue;
    const std::string field = prefix + "." + std::string(key);
    if (value.find("..") != std::string::npos)
      c.error(field, "path must not contain '..' (path traversal)");
    else if (value.front() == '/')
      c.warning(field, "absolute paths may cause issues across different systems");
  }
  const nlohmann::json* url = param(step, "url");
  if (url != nullptr && url->is_string()) check_url_value(c, prefix + ".url", url->get<std::string>());
  if (const nlohmann::json* fallbacks = param(step, "fallback_urls")) {
    if (!fallbacks->is_array()) {
      c.error(prefix + ".fallback_urls", "fallback_urls must be an array of URL strings");
    } else {
      for (size_t k = 0; k < fallbacks->size(); ++k) {
        const std::string field = fmt::format("{}.fallback_urls[{}]", prefix, k);
        if (!(*fallbacks)[k].is_string())
          c.error(field, "fallback_urls entries must be strings");
        else
          check_url_value(c, field, (*fallbacks)[k].get<std::string>());
      }
    }
  }
  if (const nlohmann::json* sha = param(step, "sha256"); sha != nullptr && sha->is_string()) {
    const std::string& value = sha->get_ref<const std::string&>();
    if (value.size() != 64)
      c.error(prefix + ".sha256", "sha256 must be 64 characters (SHA256 hex)");
    else if (!is_hex(value))
      c.error(prefix + ".sha256", "sha256 must be hexadecimal (0-9, a-f)");
  }
  if (recipe::is_action(step.action, recipe::ActionKind::cpan_install)) {
    const std::string module = param_string(step, "module");
    const std::string distribution = param_string(step, "distribution");
    if (!module.empty() && module == util::replace_all(distribution, "-", "::")) {
      c.warning(prefix + ".module",
                fmt::format("module '{}' is redundant; it is derived from distribution '{}'", module, distribution));
    }
  }
}

}  // namespace

void check_steps(Checker& c) {
  const Recipe& r = c.recipe();
  if (r.steps.empty()) {
    c.error("steps", "at least one step is required");
    return;
  }
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const Step& step = r.steps[i];
    const std::string prefix = fmt::format("steps[{}]", i);
    if (step.action.empty()) {
      c.error(prefix + ".action", "action is required", prefix);
      continue;
    }
    if (recipe::is_action(step.action, recipe::ActionKind::set_env) && r.is_library())
      c.error(prefix + ".action", "set_env is not allowed in libraries (libraries do not change the environment)");
    const ActionInfo* info = find_action(step.action);
    if (info != nullptr && !step.phase.empty() && info->default_phase != "install" &&
        step.phase != info->default_phase) {
      c.error(prefix + ".phase",
              fmt::format("{} must run in the \"{}\" phase, not \"{}\"", step.action, info->default_phase, step.phase));
    }
    if (info == nullptr) {
      auto suggestion = suggest_name(step.action, action_names());
      if (suggestion)
        c.error(prefix + ".action", fmt::format("unknown action '{}' (did you mean '{}'?)", step.action, *suggestion));
      else
        c.error(prefix + ".action", fmt::format("unknown action '{}'", step.action));
      continue;
    }
    const size_t before = c.error_count();
    check_action_params(c, i, step, info->kind);
    if (c.error_count() == before) generic_checks(c, i, step);
  }
}

}  // namespace tailor::recipe::detail
