#include "registry/source_ref.hpp"

#include "recipe/request.hpp"
#include "util/strings.hpp"

namespace tailor::registry {
namespace {

constexpr std::string_view k_form = "expected OWNER/REPO, OWNER/REPO:RECIPE or OWNER/REPO:RECIPE@VERSION";

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

bool is_source_ref(std::string_view text) { return text.find('/') != std::string_view::npos; }

Status check_slug(std::string_view owner, std::string_view repo) {
  const std::string slug = recipe::printable(std::string(owner) + "/" + std::string(repo));
  if (owner.empty() || owner.size() > 39) {
    return fail(ErrorKind::usage, "invalid owner in '{}': GitHub owners have 1 to 39 characters", slug);
  }
  for (std::size_t i = 0; i < owner.size(); ++i) {
    const char c = owner[i];
    if (!is_alnum(c) && c != '-') {
      return fail(ErrorKind::usage,
                  "invalid owner in '{}': character '{}' at position {} is not allowed (letters, digits, '-')", slug,
                  recipe::printable(std::string_view(&owner[i], 1)), i + 1);
    }
  }
  if (owner.front() == '-' || owner.back() == '-') {
    return fail(ErrorKind::usage, "invalid owner in '{}': it may not start or end with '-'", slug);
  }
  if (repo.empty() || repo.size() > 100) {
    return fail(ErrorKind::usage, "invalid repository in '{}': GitHub repositories have 1 to 100 characters", slug);
  }
  if (repo == "." || repo == "..") return fail(ErrorKind::usage, "invalid repository in '{}'", slug);
  for (std::size_t i = 0; i < repo.size(); ++i) {
    const char c = repo[i];
    if (!is_alnum(c) && c != '-' && c != '.' && c != '_') {
      return fail(ErrorKind::usage,
                  "invalid repository in '{}': character '{}' at position {} is not allowed (letters, digits, '.', "
                  "'-', '_')",
                  slug, recipe::printable(std::string_view(&repo[i], 1)), owner.size() + 2 + i);
    }
  }
  return {};
}

Result<SourceRef> parse_slug(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos) {
    return fail(ErrorKind::usage, "invalid source '{}': expected OWNER/REPO", recipe::printable(text));
  }
  std::string_view owner = text.substr(0, slash);
  std::string_view repo = text.substr(slash + 1);
  if (auto checked = check_slug(owner, repo); !checked) return fail(checked.error());
  return SourceRef{util::to_lower(owner), util::to_lower(repo), {}, {}};
}

Result<SourceRef> parse_source_ref(std::string_view text) {
  std::string_view rest = text;
  std::string version;
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    version = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (auto checked = recipe::check_version_request(version); !checked) return fail(checked.error());
  }
  std::string name;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    name = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (auto checked = recipe::check_tool_name(name); !checked) {
      return fail(ErrorKind::usage, "in '{}': {}", recipe::printable(text), checked.error().message);
    }
  }
  auto slug = parse_slug(rest);
  if (!slug) return fail(ErrorKind::usage, "{} ({})", slug.error().message, k_form);
  slug->recipe = std::move(name);
  slug->version = std::move(version);
  return slug;
}

Status check_tool_or_source(std::string_view text) {
  if (is_source_ref(text)) {
    if (auto parsed = parse_source_ref(text); !parsed) return fail(parsed.error());
    return {};
  }
  if (auto parsed = recipe::parse_tool_request(text); !parsed) return fail(parsed.error());
  return {};
}

}  // namespace tailor::registry
