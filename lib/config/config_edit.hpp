#pragma once
// Edits of config.toml beyond single keys (the [registries] tables of `tailor registry`),
// written the way `tailor config set` writes: atomic, mode 0600, through a link, with the
// user's other keys and tables kept.
#include <filesystem>
#include <functional>

#include <toml++/toml.h>

#include "util/result.hpp"

namespace tailor::config {

// Loads `<home>/config.toml` (missing: empty), lets `edit` change the document and writes it
// back. `edit` returns whether anything changed; nothing is written when it did not.
Result<bool> edit_config_document(const std::filesystem::path& home,
                                  const std::function<Result<bool>(toml::table& document)>& edit);

}  // namespace tailor::config
