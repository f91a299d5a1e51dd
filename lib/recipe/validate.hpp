#pragma once
// `tailor validate`: every check of docs/validation.md, tailor's extension checks included,
// reported compiler-style with source positions.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recipe/recipe.hpp"
#include "util/result.hpp"

namespace tailor::recipe {

class Registry;

struct Diagnostic {
  std::string field;  // "metadata.name", "steps[0].url", "" for file-level problems
  std::string message;
  SourcePos pos;
  bool operator==(const Diagnostic&) const = default;
};

struct ValidationResult {
  std::string path;
  bool valid = false;
  std::optional<Recipe> recipe;  // nullopt when reading or decoding failed
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  // True when only --strict made the recipe invalid.
  bool invalid_by_strictness() const { return !valid && errors.empty() && !warnings.empty(); }
};

struct ValidateOptions {
  bool strict = false;
  bool check_libc_coverage = false;
  // Used for the registry checks (docs/validation.md, "Registry checks"); they are skipped when null.
  const Registry* registry = nullptr;
};

// Validates recipe text; `path` names it in diagnostics.
ValidationResult validate_recipe_text(std::string_view text, std::string_view path, const ValidateOptions& options);

// Reads and validates one file: missing, oversized (> 1 MiB), binary and non-UTF-8 files give
// a single file-level error.
ValidationResult validate_recipe_file(const std::filesystem::path& path, const ValidateOptions& options);

// Expands files and directories into the sorted list of recipe files (`*.toml`, recursive).
// A symbolic link leading back to an enclosing directory is an error naming the loop.
Result<std::vector<std::filesystem::path>> collect_recipe_files(const std::vector<std::filesystem::path>& paths);

// Validates many files, using up to `threads` worker threads; results keep the input order.
std::vector<ValidationResult> validate_files(const std::vector<std::filesystem::path>& files,
                                             const ValidateOptions& options, unsigned threads = 2);

// Collects the recipe files under `paths` and validates them (the whole of `tailor validate`).
Result<std::vector<ValidationResult>> validate_paths(const std::vector<std::filesystem::path>& paths,
                                                     const ValidateOptions& options, unsigned threads = 2);

// The closing line: "Valid recipe: <name>" for one result, else counts of valid and invalid.
std::string format_summary(const std::vector<ValidationResult>& results, bool strict);

// `path:line:col: error: field: message` lines, errors first, then warnings.
std::string format_diagnostics(const ValidationResult& result);

// The JSON object of docs/validation.md, "Output" (keys valid, recipe, errors, warnings, path) with line/column added.
nlohmann::ordered_json validation_to_json(const ValidationResult& result);

// The "did you mean" suggestion of docs/validation.md, "Step checks", among `candidates`.
std::optional<std::string> suggest_name(std::string_view input, const std::vector<std::string>& candidates);

}  // namespace tailor::recipe
