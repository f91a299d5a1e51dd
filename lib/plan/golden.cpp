#include "plan/golden.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "plan/plan_read.hpp"
#include "util/canonical_json.hpp"
#include "util/diff.hpp"
#include "util/fs.hpp"

namespace tailor::plan {
namespace fs = std::filesystem;

namespace {

struct Exclusion {
  std::string recipe, os, arch, family, gpu;
};

Result<std::vector<Exclusion>> load_exclusions(const fs::path& golden_dir) {
  std::vector<Exclusion> out;
  const fs::path path = golden_dir / "exclusions.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  auto text = util::read_file(path);
  if (!text) return fail(text.error());
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("exclusions") || !doc["exclusions"].is_array()) {
    return fail(ErrorKind::invalid_input, "{}: expected {{\"exclusions\": [...]}}", path.string());
  }
  for (const auto& entry : doc["exclusions"]) {
    Exclusion e;
    e.recipe = entry.value("recipe", "");
    auto platform = entry.value("platform", nlohmann::json::object());
    e.os = platform.value("os", "");
    e.arch = platform.value("arch", "");
    e.family = platform.value("linux_family", "");
    e.gpu = platform.value("gpu", "");
    out.push_back(e);
  }
  return out;
}

bool excluded(const std::vector<Exclusion>& exclusions, const std::string& recipe, const tuple::Target& target) {
  return std::any_of(exclusions.begin(), exclusions.end(), [&](const Exclusion& e) {
    return e.recipe == recipe && e.os == target.os && e.arch == target.arch &&
           e.family == tuple::name(target.linux_family) && (e.gpu.empty() || e.gpu == tuple::name(target.gpu));
  });
}

// Versions named by the recipe's existing golden files, sorted.
std::set<std::string> existing_versions(const fs::path& dir) {
  std::set<std::string> versions;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (auto parsed = parse_golden_name(entry.path().filename().string())) versions.insert(parsed->version);
  }
  return versions;
}

std::vector<std::string> recipe_names(const GoldenOptions& options, const PlanServices& services) {
  if (!options.recipes.empty()) return options.recipes;
  return services.registry->names();
}

// Generates the golden plan for one target, with the existing file (if any) as its lock.
Result<std::string> generate(const recipe::Recipe& recipe, const std::string& version, const tuple::Target& target,
                             const fs::path& lock_file, const fs::path& seed_lock, bool offline,
                             const PlanServices& services, std::vector<std::string>& warnings) {
  PlanRequest request;
  request.recipe = &recipe;
  request.version = version;
  request.target = plan_target(target);
  request.for_golden = true;
  request.offline = offline;
  // The file itself is the lock; a new target uses the seed lock when one is given, else
  // borrows a sibling of the same version, so dependency pins and shared artifacts carry over.
  fs::path lock = lock_file;
  std::error_code ec;
  // A borrowed lock (seed or sibling) was planned for another target: its backend decides nothing.
  request.lock_decides_rungs = fs::exists(lock_file, ec);
  if (!fs::exists(lock, ec) && !seed_lock.empty()) {
    lock = seed_lock;
  } else if (!fs::exists(lock, ec)) {
    std::set<fs::path> siblings;
    for (const auto& entry : fs::directory_iterator(lock_file.parent_path(), ec)) {
      auto parsed = parse_golden_name(entry.path().filename().string());
      if (parsed && parsed->version == version) siblings.insert(entry.path());
    }
    if (!siblings.empty()) lock = *siblings.begin();
  }
  if (fs::exists(lock, ec)) {
    auto text = util::read_file(lock);
    if (!text) return fail(text.error());
    auto doc = nlohmann::ordered_json::parse(*text, nullptr, false);
    if (doc.is_discarded()) return fail(ErrorKind::invalid_input, "{} is not valid JSON", lock.string());
    auto pinned = plan_from_json(doc);
    if (!pinned)
      return fail(ErrorKind::invalid_input, "{} is not a tailor plan: {}", lock.string(), pinned.error().message);
    request.pin_from = std::move(*pinned);
  } else {
    // Without a lock the version is still the one requested, verbatim.
    request.pin_from = Plan{};
    request.pin_from->tool = recipe.metadata.name;
    request.pin_from->version = version;
  }
  auto outcome = generate_plan(request, services);
  if (!outcome) return fail(outcome.error());
  warnings.insert(warnings.end(), outcome->warnings.begin(), outcome->warnings.end());
  return util::canonical_json(plan_to_json(outcome->value));
}

// Every string under a "url" key, depth first.
void collect_urls(const nlohmann::ordered_json& doc, std::vector<std::string>& out) {
  if (doc.is_object()) {
    for (const auto& [key, value] : doc.items()) {
      if (key == "url" && value.is_string()) {
        out.push_back(value.get<std::string>());
      } else {
        collect_urls(value, out);
      }
    }
  } else if (doc.is_array()) {
    for (const auto& value : doc) collect_urls(value, out);
  }
}

// The reasons the file's GitHub release URLs are not what the snapshots list, one per URL.
std::vector<std::string> unpublished(const std::string& text, const GoldenOptions& options) {
  std::vector<std::string> reasons;
  if (!options.snapshots_in_use) return reasons;
  auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
  if (doc.is_discarded()) return reasons;
  std::vector<std::string> urls;
  collect_urls(doc, urls);
  std::set<std::string> seen;
  for (const auto& url : urls) {
    if (!seen.insert(url).second) continue;
    if (auto reason = version::unpublished_reason(options.snapshots, url); !reason.empty())
      reasons.push_back(fmt::format("{}: {}", url, reason));
  }
  return reasons;
}

// Re-prints a golden file canonically without the keys golden comparison ignores.
std::string normalized(const std::string& text) {
  auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
  if (doc.is_discarded()) return text;
  for (const char* key : {"generated_at", "recipe_source", "storage_version"}) doc.erase(key);
  return util::canonical_json(doc);
}

}  // namespace

Result<GoldenReport> golden_regenerate(const GoldenOptions& options, const PlanServices& services,
                                       const util::Output& output) {
  GoldenReport report;
  const bool filtered = !options.recipes.empty();
  for (const auto& name : recipe_names(options, services)) {
    auto found = services.registry->find(name);
    if (!found) return fail(found.error());
    if (*found == nullptr) return fail(ErrorKind::recipe_not_found, "no recipe named '{}'", name);
    const recipe::Recipe& recipe = **found;
    const fs::path dir = options.golden_dir / "plans" / name;
    auto versions = existing_versions(dir);
    if (!options.version.empty())
      versions = {options.version.starts_with('v') ? options.version.substr(1) : options.version};
    if (versions.empty()) {
      output.warn("{}: no golden version yet; pass --version to create its golden files", name);
      continue;
    }
    auto targets = golden_targets(recipe, *services.registry);
    if (!targets) return fail(targets.error());
    std::set<std::string> wanted;
    fs::create_directories(dir);
    for (const auto& version : versions) {
      for (const auto& target : *targets) {
        const std::string file = golden_file_name(version, target);
        wanted.insert(file);
        std::vector<std::string> warnings;
        auto text = generate(recipe, version, target, dir / file, options.seed_lock,
                             !options.refresh && !options.unhashed, services, warnings);
        if (!text) {
          output.warn("{}: {}: {}", name, file, text.error().message);
          ++report.failures;
          continue;
        }
        if (auto ok = util::write_file_atomic(dir / file, *text); !ok) return fail(ok.error());
        ++report.written;
      }
    }
    if (!filtered || options.version.empty()) {
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string file = entry.path().filename().string();
        if (parse_golden_name(file) && !wanted.contains(file)) {
          fs::remove(entry.path(), ec);
          ++report.removed;
        }
      }
    }
  }
  return report;
}

Result<GoldenReport> golden_check(const GoldenOptions& options, const PlanServices& services,
                                  const util::Output& output) {
  GoldenReport report;
  auto exclusions = load_exclusions(options.golden_dir);
  if (!exclusions) return fail(exclusions.error());
  for (const auto& name : recipe_names(options, services)) {
    auto found = services.registry->find(name);
    if (!found) return fail(found.error());
    if (*found == nullptr) return fail(ErrorKind::recipe_not_found, "no recipe named '{}'", name);
    const recipe::Recipe& recipe = **found;
    const fs::path dir = options.golden_dir / "plans" / name;
    auto targets = golden_targets(recipe, *services.registry);
    if (!targets) return fail(targets.error());
    auto versions = existing_versions(dir);
    if (versions.empty()) {
      bool all_excluded = std::all_of(targets->begin(), targets->end(),
                                      [&](const tuple::Target& t) { return excluded(*exclusions, name, t); });
      if (!all_excluded) {
        output.print("MISSING {}: no golden files; run `tailor golden regenerate {} --version V` or add an exclusion\n",
                     name, name);
        ++report.failures;
      }
      continue;
    }
    std::set<std::string> expected_files;
    for (const auto& version : versions) {
      for (const auto& target : *targets) {
        const std::string file = golden_file_name(version, target);
        expected_files.insert(file);
        std::error_code ec;
        if (!fs::exists(dir / file, ec)) {
          if (excluded(*exclusions, name, target)) continue;
          output.print("MISSING {}/{}: run `tailor golden regenerate {}` or add an exclusion\n", name, file, name);
          ++report.failures;
          continue;
        }
        ++report.checked;
        auto golden = util::read_file(dir / file);
        if (!golden) return fail(golden.error());
        for (const auto& reason : unpublished(*golden, options)) {
          output.print("UNPUBLISHED {}/{}: {}\n", name, file, reason);
          ++report.failures;
        }
        std::vector<std::string> warnings;
        auto fresh = generate(recipe, version, target, dir / file, {}, !options.refresh, services, warnings);
        if (!fresh) {
          output.print("FAILED {}/{}: {}\n", name, file, fresh.error().message);
          ++report.failures;
          continue;
        }
        std::string diff = util::unified_diff(normalized(*golden), normalized(*fresh),
                                              fmt::format("golden/{}/{}", name, file), "generated");
        if (!diff.empty()) {
          output.print("MISMATCH {}/{}\n{}", name, file, diff);
          ++report.failures;
        }
      }
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string file = entry.path().filename().string();
      if (parse_golden_name(file) && !expected_files.contains(file)) {
        output.print("EXTRA {}/{}: no longer a supported target; run `tailor golden regenerate {}`\n", name, file,
                     name);
        ++report.failures;
      }
    }
  }
  return report;
}

}  // namespace tailor::plan
