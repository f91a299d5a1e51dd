#pragma once
// The TOML layer of the recipe reader: parse text into a toml++ tree and decode that tree
// into the model of recipe.hpp. Shared by parse_recipe and validate (which also needs the
// tree for source positions and unknown keys).
#include <string>
#include <string_view>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "recipe/recipe.hpp"

namespace tailor::recipe::detail {

// A decode failure: the detail text and where it happened.
struct DecodeError {
  std::string detail;
  SourcePos pos;
  ErrorKind kind = ErrorKind::failure;  // invalid_input when a parser limit refused the text
};

// Recipes larger than this are refused before parsing.
inline constexpr size_t k_max_recipe_bytes = size_t{1024} * 1024;

// Parses TOML 1.0 text; a syntax error becomes a DecodeError with its position, and so does text
// beyond util::TomlLimits (then of kind invalid_input), which toml++ never sees.
tl::expected<toml::table, DecodeError> parse_toml(std::string_view text, std::string_view path);

// Decodes a parsed tree with the rules of docs/recipe-authoring.md, "Decoding rules worth knowing".
tl::expected<Recipe, DecodeError> decode_recipe(const toml::table& root);

// A node's start position.
SourcePos position_of(const toml::node& node);

// A TOML value as JSON with its type kept (datetimes become RFC 3339 strings).
nlohmann::json to_json(const toml::node& node);

// "file:line:col: detail", or "file: detail" when the position is unknown.
std::string format_located(std::string_view path, SourcePos pos, std::string_view detail);

}  // namespace tailor::recipe::detail
