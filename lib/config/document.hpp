#pragma once
// The TOML document behind config.toml: parsing with positions, case-insensitive lookup of
// dotted keys, and the atomic private write.
#include <filesystem>
#include <string_view>

#include <toml++/toml.h>

#include "util/result.hpp"

namespace tailor::config {

// Parses a config file; errors read `<path>:LINE:COL: message`.
Result<toml::table> parse_config_document(const std::filesystem::path& path);

// The table `name` (matched case-insensitively), or nullptr.
const toml::table* find_table(const toml::table& document, std::string_view name);
// Whether `dotted_key` lives in config.toml as a quoted top-level key (`"mirrors.only" = true`):
// keys of a section whose name is also an array of tables (`[[mirrors]]`), which TOML cannot
// open as a table too.
bool stored_as_quoted_key(std::string_view dotted_key);
// The node of dotted key `section.key` (each part matched case-insensitively), or nullptr; a
// key stored_as_quoted_key() is also found as its quoted top-level spelling.
const toml::node* find_value(const toml::table& document, std::string_view dotted_key);

// Writes the document to `path` atomically with mode 0600, creating the directory 0700 if new.
Status write_config_document(const std::filesystem::path& path, const toml::table& document);

}  // namespace tailor::config
