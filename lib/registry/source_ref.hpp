#pragma once
// Names of recipes in distributed registries (docs/registries.md, "Distributed registries"):
// `owner/repo`, `owner/repo:recipe` and `owner/repo:recipe@version` name a recipe in the
// `.tsuku-recipes/` directory of a GitHub repository. Every part is checked before a URL or a
// cache path is built from it.
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace tailor::registry {

struct SourceRef {
  std::string owner;    // lower case (GitHub names are case-insensitive)
  std::string repo;     // lower case
  std::string recipe;   // "" when only owner/repo was given
  std::string version;  // "" when none was given

  // "owner/repo": the source, as config.toml and `tailor registry list` name it.
  std::string slug() const { return owner + "/" + repo; }
};

// Whether `text` names a recipe of a distributed registry rather than a plain tool name
// (it contains '/').
bool is_source_ref(std::string_view text);

// Checks `owner/repo` by GitHub's rules: an owner of 1 to 39 letters, digits and '-' that does
// not start or end with '-'; a repository of 1 to 100 letters, digits, '.', '-' and '_', never
// "." or "..". Usage errors say which part is wrong.
Status check_slug(std::string_view owner, std::string_view repo);

// Parses `owner/repo[:recipe][@version]`; the recipe follows the tool name rules and the
// version the version request rules (recipe/request.hpp).
Result<SourceRef> parse_source_ref(std::string_view text);

// Parses a bare `owner/repo` (tailor registry add|remove).
Result<SourceRef> parse_slug(std::string_view text);

// What a command that takes a tool accepts: TOOL[@VERSION] or a distributed name.
Status check_tool_or_source(std::string_view text);

}  // namespace tailor::registry
