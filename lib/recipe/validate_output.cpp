// Finding recipe files, validating them in parallel, and printing the results.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "recipe/validate.hpp"

namespace tailor::recipe {
namespace fs = std::filesystem;

namespace {

constexpr int k_max_depth = 64;

using DirId = std::pair<dev_t, ino_t>;

std::optional<DirId> dir_id(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
  return DirId{st.st_dev, st.st_ino};
}

// Depth-first walk; `ancestors` holds the directories on the current path so that a
// symbolic link back into one of them is reported instead of followed forever.
Status walk(const fs::path& dir, std::vector<std::pair<DirId, fs::path>>& ancestors, std::set<DirId>& seen,
            std::vector<fs::path>& out) {
  if (ancestors.size() > k_max_depth) {
    return fail(ErrorKind::failure, "{}: directories nested deeper than {} levels", dir.string(), k_max_depth);
  }
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
  if (ec) return fail(ErrorKind::failure, "cannot read directory {}: {}", dir.string(), ec.message());
  std::sort(entries.begin(), entries.end(),
            [](const fs::directory_entry& a, const fs::directory_entry& b) { return a.path() < b.path(); });
  for (const fs::directory_entry& entry : entries) {
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      auto id = dir_id(entry.path());
      if (!id) continue;
      for (const auto& [ancestor, ancestor_path] : ancestors) {
        if (ancestor == *id) {
          return fail(ErrorKind::failure, "directory loop: {} leads back to {}", entry.path().string(),
                      ancestor_path.string());
        }
      }
      if (!seen.insert(*id).second) continue;  // reached twice through links, not a loop
      ancestors.emplace_back(*id, entry.path());
      auto ok = walk(entry.path(), ancestors, seen, out);
      ancestors.pop_back();
      if (!ok) return ok;
    } else if (entry.path().extension() == ".toml" && entry.is_regular_file(type_ec)) {
      out.push_back(entry.path());
    }
  }
  return {};
}

nlohmann::ordered_json diagnostics_json(const std::vector<Diagnostic>& list) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Diagnostic& d : list) {
    out.push_back({{"field", d.field}, {"message", d.message}, {"line", d.pos.line}, {"column", d.pos.column}});
  }
  return out;
}

}  // namespace

Result<std::vector<fs::path>> collect_recipe_files(const std::vector<fs::path>& paths) {
  std::vector<fs::path> files;
  for (const fs::path& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      auto id = dir_id(path);
      if (!id) return fail(ErrorKind::failure, "cannot read directory {}", path.string());
      std::vector<std::pair<DirId, fs::path>> ancestors{{*id, path}};
      std::set<DirId> seen{*id};
      std::vector<fs::path> found;
      if (auto ok = walk(path, ancestors, seen, found); !ok) return tl::unexpected(ok.error());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);  // a missing file is reported by validation as "file not found"
    }
  }
  return files;
}

std::vector<ValidationResult> validate_files(const std::vector<fs::path>& files, const ValidateOptions& options,
                                             unsigned threads) {
  std::vector<ValidationResult> results(files.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) results[i] = validate_recipe_file(files[i], options);
  };
  const unsigned workers = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(files.size() / 16 + 1)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  return results;
}

Result<std::vector<ValidationResult>> validate_paths(const std::vector<fs::path>& paths, const ValidateOptions& options,
                                                     unsigned threads) {
  auto files = collect_recipe_files(paths);
  if (!files) return tl::unexpected(files.error());
  return validate_files(*files, options, threads);
}

std::string format_summary(const std::vector<ValidationResult>& results, bool strict) {
  size_t errors = 0, warnings = 0, invalid = 0;
  for (const ValidationResult& r : results) {
    errors += r.errors.size();
    warnings += r.warnings.size();
    invalid += r.valid ? 0 : 1;
  }
  const std::string counts =
      fmt::format("{} error{}, {} warning{}{}", errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
                  strict && warnings > 0 ? " (strict: warnings count)" : "");
  if (results.size() == 1) {
    const ValidationResult& r = results.front();
    std::string name =
        r.recipe && !r.recipe->metadata.name.empty() ? r.recipe->metadata.name : fs::path(r.path).stem().string();
    return fmt::format("{} recipe: {} ({})\n", r.valid ? "Valid" : "Invalid", name, counts);
  }
  return fmt::format("{} recipe{} checked: {} valid, {} invalid ({})\n", results.size(), results.size() == 1 ? "" : "s",
                     results.size() - invalid, invalid, counts);
}

std::string format_diagnostics(const ValidationResult& result) {
  std::string out;
  auto line = [&](const Diagnostic& d, std::string_view severity) {
    out += result.path;
    if (d.pos.line != 0) out += fmt::format(":{}:{}", d.pos.line, d.pos.column);
    out += fmt::format(": {}: ", severity);
    if (!d.field.empty()) out += d.field + ": ";
    out += d.message;
    out += '\n';
  };
  for (const Diagnostic& d : result.errors) line(d, "error");
  for (const Diagnostic& d : result.warnings) line(d, "warning");
  return out;
}

nlohmann::ordered_json validation_to_json(const ValidationResult& result) {
  nlohmann::ordered_json out;
  out["valid"] = result.valid;
  if (result.recipe) {
    const Recipe& r = *result.recipe;
    nlohmann::ordered_json echo;
    echo["name"] = r.metadata.name;
    echo["description"] = r.metadata.description;
    echo["homepage"] = r.metadata.homepage;
    echo["type"] = r.metadata.type.empty() ? "tool" : r.metadata.type;
    nlohmann::ordered_json actions = nlohmann::ordered_json::array();
    for (const Step& step : r.steps) actions.push_back(step.action);
    echo["actions"] = std::move(actions);
    echo["verify_command"] = r.verify.command;
    out["recipe"] = std::move(echo);
  }
  if (!result.errors.empty()) out["errors"] = diagnostics_json(result.errors);
  if (!result.warnings.empty()) out["warnings"] = diagnostics_json(result.warnings);
  out["path"] = result.path;
  return out;
}

}  // namespace tailor::recipe
