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
// The node of dotted key `section.key` (each part matched case-insensitively), or nullptr.
const toml::node* find_value(const toml::table& document, std::string_view dotted_key);

// Writes the document to `path` atomically with mode 0600, creating the directory 0700 if new.
Status write_config_document(const std::filesystem::path& path, const toml::table& document);

}  // namespace tailor::config
