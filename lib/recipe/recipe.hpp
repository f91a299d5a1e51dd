#pragma once
// The recipe model: plain values decoded from TOML (docs/recipe-authoring.md, "The shape of a recipe").
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace tailor::recipe {

// A position in the recipe file, 1-based; 0 when unknown.
struct SourcePos {
  uint32_t line = 0;
  uint32_t column = 0;
  bool operator==(const SourcePos&) const = default;
};

// A `when` clause (docs/recipe-authoring.md, "Conditions: `when`") plus tailor's `backend`, `gpu_driver`,
// `gpu_compute` and `gfx` extensions.
struct WhenClause {
  std::vector<std::string> platform;
  std::vector<std::string> os;
  std::string arch;
  std::string linux_family;
  std::vector<std::string> libc;
  std::vector<std::string> gpu;
  std::string package_manager;
  std::vector<std::string> backend;  // tailor: cuda, rocm, sycl, vulkan, metal, cpu
  std::string gpu_driver;            // tailor: ">=570 <580"
  std::string gpu_compute;           // tailor: CUDA compute capability range, ">=7.5"
  std::vector<std::string> gfx;      // tailor: AMD gfx targets a build runs on, ["gfx90a", "gfx1100"]
  // True when every list and string is empty (package_manager alone is not empty).
  bool empty() const;
  bool operator==(const WhenClause&) const = default;
};

struct Step {
  std::string action;
  std::string phase;
  std::optional<WhenClause> when;  // nullopt: no clause (or a non-table `when`)
  // Step-level dependencies; nullopt when absent, an empty vector when `dependencies = []`.
  std::optional<std::vector<std::string>> dependencies;
  // The glibc version the step's binaries need ("2.39"), "" when not stated; a reserved key, so
  // it is no action parameter (docs/planning.md, "Steps that need a newer glibc").
  std::string min_glibc;
  // Every non-reserved key, with TOML types kept: integers as number_integer, floats as
  // number_float, datetimes as RFC 3339 strings. nlohmann::json keeps keys byte-sorted.
  nlohmann::json params = nlohmann::json::object();
  SourcePos pos;
  bool operator==(const Step&) const = default;
};

struct Metadata {
  std::string name, description, homepage, version_format;
  bool requires_sudo = false;
  std::vector<std::string> dependencies, runtime_dependencies, extra_dependencies, extra_runtime_dependencies;
  int64_t tier = 0;
  std::string type;  // "", tool, library
  std::string llm_validation;
  bool curated = false;
  std::vector<std::string> binaries;
  std::map<std::string, std::vector<std::string>> satisfies;
  std::optional<std::vector<std::string>> supported_os;    // nullopt = absent = default list
  std::optional<std::vector<std::string>> supported_arch;  // nullopt = absent = default list
  std::vector<std::string> supported_libc;
  std::vector<std::string> unsupported_platforms;
  std::string unsupported_reason;
  bool operator==(const Metadata&) const = default;
};

struct VersionSection {
  std::string source, github_repo, tag_prefix, module, formula, cask, tap;
  std::string fossil_repo, project_name, version_separator, timeline_tag;
  std::string url, version_path;
  // tailor extension: the first release whose assets the recipe's patterns match; an older
  // version is refused naming it (docs/recipe-authoring.md, "min_version").
  std::string min_version;
  std::optional<std::vector<std::string>> stable_qualifiers;
  bool operator==(const VersionSection&) const = default;
};

struct VerifyAdditional {
  std::string command, pattern;
  bool operator==(const VerifyAdditional&) const = default;
};

// tailor's `[verify.backend]` smoke check (docs/recipe-authoring.md, "`[verify.backend]`: smoke check").
struct BackendCheck {
  std::string command;
  std::string pattern;
  int64_t timeout = 20;
  bool operator==(const BackendCheck&) const = default;
};

struct Verify {
  std::string command, pattern;
  std::optional<std::vector<std::string>> patterns;  // nullopt = absent
  std::string mode, version_format, reason;
  std::optional<int64_t> exit_code;  // presence is significant
  std::vector<VerifyAdditional> additional;
  std::optional<BackendCheck> backend;
  bool operator==(const Verify&) const = default;
};

struct Patch {
  std::string url, data, checksum, subdir;
  int64_t strip = 0;
  bool operator==(const Patch&) const = default;
};

struct Resource {
  std::string name, url, checksum, dest;
  bool operator==(const Resource&) const = default;
};

struct Recipe {
  Metadata metadata;
  VersionSection version;
  std::vector<Step> steps;
  Verify verify;
  std::vector<Patch> patches;
  std::vector<Resource> resources;
  std::string source_path;  // file path, or the embedded path
  bool is_library() const { return metadata.type == "library"; }
  bool operator==(const Recipe&) const = default;
};

// Decodes a recipe with the rules of docs/recipe-authoring.md, "Decoding rules worth knowing" (unknown keys ignored,
// wrong types in typed fields fatal, lenient steps). The error message is the decode detail with `file:line:col: ` in
// front when a position is known.
Result<Recipe> parse_recipe(std::string_view text, std::string_view path);

// Parses with the checks of eval, info, install (docs/validation.md, "Checks when a recipe is loaded for planning").
Result<Recipe> load_recipe_for_planning(std::string_view text, std::string_view path);

}  // namespace tailor::recipe
