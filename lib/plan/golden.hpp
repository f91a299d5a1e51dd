#pragma once
// Golden plan files (docs/planning.md, "Golden files"): which targets a recipe gets, what
// the files are called, and regenerating or checking them offline with each file as its lock.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "plan/planner.hpp"
#include "tuple/target.hpp"
#include "util/output.hpp"
#include "version/release_listing.hpp"

namespace tailor::plan {

// Targets: docs/plan-format.md, "Golden platforms" (with linux/arm64), per GPU case (docs/planning.md, "Golden files").
Result<std::vector<tuple::Target>> golden_targets(const recipe::Recipe& recipe, const recipe::Registry& registry);

// A golden target is a platform tuple with no libc and no backend, and at most one gfx target:
// "<os>[-<family>]-<arch>[-gpu-<vendor>[-drv<driver>][-cc<compute>][-<gfx>]]".
std::string golden_platform_name(const tuple::Target& target);

// "v<version>-<platform>.json", with `v` not doubled.
std::string golden_file_name(const std::string& version, const tuple::Target& target);

struct ParsedGoldenName {
  std::string version;  // without the leading v
  tuple::Target target;
};
std::optional<ParsedGoldenName> parse_golden_name(const std::string& file_name);

// The plan target a golden target is generated for.
Target plan_target(const tuple::Target& target);

struct GoldenOptions {
  std::filesystem::path golden_dir = "golden";  // holds plans/ and exclusions.json
  std::vector<std::string> recipes;             // empty = every recipe in the registry
  std::string version;                          // regenerate: version for recipes with no files yet
  bool refresh = false;                         // allow the network for what no lock covers
  bool unhashed = false;                        // regenerate without a downloader: no checksums
  std::filesystem::path seed_lock;              // lock for targets with no file and no sibling yet
  // Release snapshots (testdata/releases): when `snapshots_in_use`, check fails on every
  // GitHub release URL whose tag and asset they do not list (docs/planning.md, "Golden files").
  bool snapshots_in_use = false;
  std::vector<version::ReleaseListing> snapshots;
};

struct GoldenReport {
  size_t checked = 0;
  size_t written = 0;
  size_t removed = 0;
  size_t failures = 0;
};

Result<GoldenReport> golden_regenerate(const GoldenOptions& options, const PlanServices& services,
                                       const util::Output& output);
Result<GoldenReport> golden_check(const GoldenOptions& options, const PlanServices& services,
                                  const util::Output& output);

}  // namespace tailor::plan
