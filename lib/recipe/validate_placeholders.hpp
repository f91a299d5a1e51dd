#pragma once
// The `{placeholders}` recipes may use in templated fields (docs/recipe-authoring.md,
// "Placeholders") and finding them in a string, for `tailor validate`.
#include <string>
#include <string_view>
#include <vector>

namespace tailor::recipe {

// The fixed names, without braces: version, version_tag, os, arch, install_dir, work_dir,
// libs_dir, backend_device.
const std::vector<std::string>& known_placeholders();

// A fixed name, `version.<key>` (provider metadata) or `deps.<name>.version`.
bool is_known_placeholder(std::string_view name);

struct FoundPlaceholder {
  std::string name;  // without braces
  size_t offset;     // of the opening brace
};

// Every `{name}` in `text` whose name looks like an identifier; `${VAR}` (shell), `{{name}}`
// (tsuku's double braces), `{}`, `{0}` and `{a,b}` are not placeholders.
std::vector<FoundPlaceholder> find_placeholders(std::string_view text);

}  // namespace tailor::recipe
