#include "plan/decompose.hpp"

#include "plan/expand.hpp"
#include "recipe/actions.hpp"
#include "util/strings.hpp"

namespace tailor::plan {
namespace {

using nlohmann::json;

PlanStep primitive(std::string action, json params) {
  PlanStep step;
  const recipe::ActionInfo* info = recipe::find_action(action);
  step.deterministic = info != nullptr && info->deterministic;
  step.evaluable = recipe::is_evaluable(action);
  step.action = std::move(action);
  step.params = std::move(params);
  return step;
}

std::string basename_of_url(const std::string& url) {
  std::string path = url.substr(0, url.find('?'));
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The `download` rule (§4.4), used directly and by the archive composites.
Result<PlanStep> download_rule(const json& params, const Vars& vars, const DecomposeContext& context) {
  PlanStep step = primitive("download_file", json::object());
  const std::string url = expand(param_string(params, "url"), vars);
  step.params["url"] = url;
  std::vector<std::string> fallbacks;
  if (auto it = params.find("fallback_urls"); it != params.end() && it->is_array() && !it->empty()) {
    json list = json::array();
    for (const auto& entry : *it) {
      if (!entry.is_string()) continue;
      fallbacks.push_back(expand(entry.get<std::string>(), vars));
      list.push_back(fallbacks.back());
    }
    step.params["fallback_urls"] = list;
  }
  std::string dest = param_string(params, "dest");
  dest = dest.empty() ? basename_of_url(url) : expand(dest, vars);
  step.params["dest"] = dest;
  std::string checksum_url = param_string(params, "checksum_url");
  if (!checksum_url.empty()) checksum_url = expand(checksum_url, vars);
  auto info = context.artifacts->resolve(url, fallbacks, checksum_url, dest);
  if (!info) return fail(info.error());
  step.url = url;
  if (*info) {
    std::string algo = param_string(params, "checksum_algo");
    step.params["checksum"] = (*info)->checksum;
    step.params["checksum_algo"] = algo.empty() ? "sha256" : algo;
    step.checksum = (*info)->checksum;
    step.size = (*info)->size;
  }
  return step;
}

Vars composite_vars(const DecomposeContext& context, const json& params, bool with_tag) {
  Vars vars{{"version", context.version},
            {"os", mapped(params, "os_mapping", context.os)},
            {"arch", mapped(params, "arch_mapping", context.arch)}};
  if (with_tag) vars["version_tag"] = context.version_tag;
  return vars;
}

Vars unmapped_vars(const DecomposeContext& context) {
  return {
      {"version", context.version}, {"version_tag", context.version_tag}, {"os", context.os}, {"arch", context.arch}};
}

// Sources of a `binaries` list: strings, or the `src` of {src, dest} tables.
json binary_sources(const json& binaries) {
  json files = json::array();
  for (const auto& item : binaries) {
    if (item.is_string())
      files.push_back(item);
    else if (item.is_object() && item.contains("src") && item["src"].is_string())
      files.push_back(item["src"]);
  }
  return files;
}

// The step of the lock at this tool's position, when the lock is for the same version/platform.
const LockedStep* locked_step_at(const DecomposeContext& context, size_t index) {
  if (context.lock == nullptr) return nullptr;
  auto version = context.lock->tool == context.tool ? context.lock->version : "";
  if (context.lock->tool != context.tool) {
    auto it = context.lock->versions.find(context.tool);
    version = it == context.lock->versions.end() ? "" : it->second;
  }
  if (version != context.version || context.lock->os != context.os || context.lock->arch != context.arch)
    return nullptr;
  auto it = context.lock->steps.find(context.tool);
  if (it == context.lock->steps.end() || index >= it->second.size()) return nullptr;
  const LockedStep& step = it->second[index];
  return step.action == "download_file" && !step.url.empty() ? &step : nullptr;
}

// Resolves a wildcard asset pattern to a concrete asset name (§4.6).
Result<std::string> resolve_asset(const std::string& repo, const std::string& pattern,
                                  const DecomposeContext& context) {
  // Reuse the locked asset only when it still matches the pattern: a sibling target's lock
  // may hold another build at the same position.
  if (const LockedStep* locked = locked_step_at(context, context.first_step_index)) {
    auto dest = locked->params.find("dest");
    if (dest != locked->params.end() && dest->is_string() && glob_match(pattern, dest->get<std::string>())) {
      return dest->get<std::string>();
    }
  }
  if (context.resolver == nullptr || context.artifacts->offline()) {
    return fail(ErrorKind::network,
                "asset pattern '{}' of {} needs the release listing of {} ({}), which is not in the lock", pattern,
                context.tool, repo, context.version_tag);
  }
  auto assets = context.resolver->release_assets(repo, context.version_tag);
  if (!assets) return fail(assets.error());
  for (const auto& asset : *assets) {
    if (glob_match(pattern, asset)) return asset;
  }
  return fail(ErrorKind::failure, "no asset of {} release {} matches '{}'", repo, context.version_tag, pattern);
}

Result<std::vector<PlanStep>> github_common(const recipe::Step& recipe_step, const DecomposeContext& context,
                                            bool archive) {
  const json& params = recipe_step.params;
  const std::string repo = param_string(params, "repo");
  if (repo.empty()) return fail(ErrorKind::failure, "{}: repo is required", recipe_step.action);
  std::string asset = expand(param_string(params, "asset_pattern"), composite_vars(context, params, false));
  if (has_glob(asset)) {
    auto resolved = resolve_asset(repo, asset, context);
    if (!resolved) return fail(resolved.error());
    asset = *resolved;
  }
  json download = {{"url", "https://github.com/" + repo + "/releases/download/" + context.version_tag + "/" + asset},
                   {"dest", asset}};
  if (auto algo = param_string(params, "checksum_algo"); !algo.empty()) download["checksum_algo"] = algo;
  if (auto checksum_asset = param_string(params, "checksum_asset"); !checksum_asset.empty()) {
    download["checksum_url"] = "https://github.com/" + repo + "/releases/download/" + context.version_tag + "/" +
                               expand(checksum_asset, unmapped_vars(context));
  } else if (auto checksum_url = param_string(params, "checksum_url"); !checksum_url.empty()) {
    download["checksum_url"] = checksum_url;
  }
  auto file = download_rule(download, unmapped_vars(context), context);
  if (!file) return fail(file.error());
  std::vector<PlanStep> steps{*file};
  const json binaries = params.contains("binaries") ? params["binaries"] : json();
  if (archive) {
    if (binaries.is_null()) return fail(ErrorKind::failure, "github_archive: binaries is required");
    std::string format = param_string(params, "archive_format");
    if (format.empty()) {
      auto detected = detect_archive_format(param_string(params, "asset_pattern"));
      if (!detected) return fail(detected.error());
      format = *detected;
    }
    steps.push_back(primitive(
        "extract",
        {{"archive", asset}, {"format", format}, {"strip_dirs", param_int(params, "strip_dirs").value_or(0)}}));
    json files = binaries.is_array() ? binary_sources(binaries) : json::array();
    if (binaries.is_array() && files.empty()) files = nullptr;
    steps.push_back(primitive("chmod", {{"files", files}}));
    std::string mode = param_string(params, "install_mode");
    steps.push_back(
        primitive("install_binaries", {{"binaries", binaries}, {"install_mode", mode.empty() ? "binaries" : mode}}));
    return steps;
  }
  // github_file: the download is renamed to the binary's source name.
  json install_list = binaries;
  std::string name;
  if (binaries.is_array() && !binaries.empty()) {
    if (!binaries[0].is_object() || !binaries[0].contains("src") || !binaries[0]["src"].is_string()) {
      return fail(ErrorKind::failure, "github_file: binaries[0] must be a table with a string src");
    }
    name = binaries[0]["src"].get<std::string>();
  } else {
    name = param_string(params, "binary");
    if (name.empty()) return fail(ErrorKind::failure, "github_file: binaries or binary is required");
    install_list = json::array({name});
  }
  name = expand(name, composite_vars(context, params, false));
  steps[0].params["dest"] = name;
  steps.push_back(primitive("chmod", {{"files", json::array({name})}}));
  steps.push_back(primitive("install_binaries", {{"binaries", install_list}}));
  return steps;
}

Result<std::vector<PlanStep>> download_archive(const recipe::Step& recipe_step, const DecomposeContext& context) {
  const json& params = recipe_step.params;
  std::string format = param_string(params, "archive_format");
  if (format.empty()) {
    auto detected = detect_archive_format(param_string(params, "url"));
    if (!detected) return fail(detected.error());
    format = *detected;
  }
  std::string mode = util::to_lower(param_string(params, "install_mode"));
  if (mode.empty()) mode = "binaries";
  if (mode != "binaries" && mode != "directory" && mode != "directory_wrapped") {
    return fail(ErrorKind::failure, "download_archive: invalid install_mode '{}'", mode);
  }
  const json binaries = params.contains("binaries") ? params["binaries"] : json();
  if (mode == "binaries" && binaries.is_null())
    return fail(ErrorKind::failure, "download_archive: binaries is required");
  json download = json::object();
  for (const char* key : {"url", "fallback_urls", "checksum_url", "checksum_algo"}) {
    if (params.contains(key)) download[key] = params[key];
  }
  auto file = download_rule(download, composite_vars(context, params, true), context);
  if (!file) return fail(file.error());
  std::vector<PlanStep> steps{*file};
  steps.push_back(primitive("extract", {{"archive", file->params["dest"]},
                                        {"format", format},
                                        {"strip_dirs", param_int(params, "strip_dirs").value_or(0)}}));
  if (binaries.is_array()) {
    json files = binary_sources(binaries);
    if (!files.empty()) steps.push_back(primitive("chmod", {{"files", files}}));
  }
  steps.push_back(primitive("install_binaries", {{"binaries", binaries}, {"install_mode", mode}}));
  return steps;
}

Result<std::vector<PlanStep>> homebrew(const recipe::Step& recipe_step, const DecomposeContext& context) {
  std::string formula = param_string(recipe_step.params, "formula");
  if (formula.empty()) return fail(ErrorKind::failure, "homebrew: formula is required");
  if (formula.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_@.") !=
          std::string::npos ||
      formula.find("..") != std::string::npos) {
    return fail(ErrorKind::failure, "homebrew: invalid formula name '{}'", formula);
  }
  PlanStep file = primitive("download_file", json::object());
  const std::string ghcr_path = "/homebrew/core/" + util::replace_all(formula, "@", "/") + "/blobs/";
  const LockedStep* locked = locked_step_at(context, context.first_step_index);
  if (locked != nullptr && locked->url.find(ghcr_path) != std::string::npos) {
    file.url = locked->url;
    file.checksum = locked->checksum;
    file.size = locked->size;
  } else if (context.resolver != nullptr && !context.artifacts->offline()) {
    auto bottle = context.resolver->homebrew_bottle(formula, context.version_tag, context.os, context.arch);
    if (!bottle) return fail(bottle.error());
    file.url = bottle->url;
    file.checksum = bottle->digest;
    file.size = bottle->size;
  } else {
    return fail(ErrorKind::network, "homebrew bottle of '{}' {} for {}/{} is not in the lock", formula,
                context.version_tag, context.os, context.arch);
  }
  file.params = {{"url", file.url}, {"dest", formula + ".tar.gz"}, {"checksum", file.checksum}};
  std::vector<PlanStep> steps{file};
  steps.push_back(primitive("extract", {{"archive", formula + ".tar.gz"}, {"format", "tar.gz"}, {"strip_dirs", 2}}));
  steps.push_back(primitive("homebrew_relocate", {{"formula", formula}}));
  return steps;
}

Result<std::vector<PlanStep>> fossil_archive(const recipe::Step& recipe_step, const DecomposeContext& context) {
  const json& params = recipe_step.params;
  std::string prefix = params.contains("tag_prefix") && params["tag_prefix"].is_string()
                           ? params["tag_prefix"].get<std::string>()
                           : "version-";
  std::string separator = param_string(params, "version_separator");
  std::string version = context.version;
  if (!separator.empty() && separator != ".") version = util::replace_all(version, ".", separator);
  const std::string project = param_string(params, "project_name");
  json download = {{"url", param_string(params, "repo") + "/tarball/" + prefix + version + "/" + project + ".tar.gz"},
                   {"dest", project + ".tar.gz"}};
  auto file = download_rule(download, unmapped_vars(context), context);
  if (!file) return fail(file.error());
  int64_t strip = param_int(params, "strip_dirs").value_or(0);
  return std::vector<PlanStep>{*file, primitive("extract", {{"archive", project + ".tar.gz"},
                                                            {"format", "tar.gz"},
                                                            {"strip_dirs", strip == 0 ? 1 : strip}})};
}

Result<std::vector<PlanStep>> apply_patch(const recipe::Step& recipe_step, const DecomposeContext& context) {
  const json& params = recipe_step.params;
  // [quirk] only a float `strip` is honoured; an integer gives 1.
  int64_t strip = params.contains("strip") && params["strip"].is_number_float()
                      ? static_cast<int64_t>(params["strip"].get<double>())
                      : 1;
  std::string subdir = param_string(params, "subdir");
  if (subdir.find("..") != std::string::npos || subdir.starts_with('/')) {
    return fail(ErrorKind::failure, "apply_patch: subdir must be relative without '..'");
  }
  std::string url = param_string(params, "url");
  std::string data = param_string(params, "data");
  if (url.empty() == data.empty())
    return fail(ErrorKind::failure, "apply_patch: exactly one of url and data is required");
  if (!data.empty())
    return std::vector<PlanStep>{primitive("apply_patch_file", {{"data", data}, {"strip", strip}, {"subdir", subdir}})};
  if (!url.starts_with("https://")) return fail(ErrorKind::failure, "apply_patch: url must use https://");
  std::string name = url.substr(url.rfind('/') + 1);
  PlanStep file = primitive("download_file", json::object());
  std::string checksum = param_string(params, "sha256");
  if (checksum.empty()) {
    auto info = context.artifacts->resolve(url, {}, "", name);
    if (!info) return fail(info.error());
    if (*info) {
      checksum = (*info)->checksum;
      file.size = (*info)->size;
    }
  }
  file.params = {{"url", url}, {"dest", name}, {"checksum", checksum}};
  file.url = url;
  file.checksum = checksum;
  return std::vector<PlanStep>{file,
                               primitive("apply_patch_file", {{"file", name}, {"strip", strip}, {"subdir", subdir}})};
}

// Ecosystem composites need their toolchain at plan time; tailor reuses a captured lock.
Result<std::vector<PlanStep>> ecosystem(const recipe::Step& recipe_step, const DecomposeContext& context) {
  static const std::map<std::string, std::string> k_primitive{
      {"cargo_install", "cargo_build"}, {"go_install", "go_build"},  {"npm_install", "npm_exec"},
      {"pipx_install", "pip_exec"},     {"gem_install", "gem_exec"}, {"nix_install", "nix_realize"}};
  const std::string& primitive_name = k_primitive.at(recipe_step.action);
  if (context.lock != nullptr) {
    auto it = context.lock->steps.find(context.tool);
    if (it != context.lock->steps.end() && context.first_step_index < it->second.size() &&
        it->second[context.first_step_index].action == primitive_name) {
      return std::vector<PlanStep>{primitive(primitive_name, it->second[context.first_step_index].params)};
    }
  }
  return fail(ErrorKind::failure,
              "{} needs its ecosystem toolchain at plan time to capture a lock, which tailor does not run; "
              "pass --pin-from a plan that has the {} step",
              recipe_step.action, primitive_name);
}

}  // namespace

Result<std::vector<PlanStep>> decompose(const recipe::Step& step, const DecomposeContext& context) {
  const std::string& action = step.action;
  if (action == "download") {
    auto file = download_rule(step.params, composite_vars(context, step.params, true), context);
    if (!file) return fail(file.error());
    return std::vector<PlanStep>{*file};
  }
  if (action == "download_archive") return download_archive(step, context);
  if (action == "github_archive") return github_common(step, context, true);
  if (action == "github_file") return github_common(step, context, false);
  if (action == "homebrew") return homebrew(step, context);
  if (action == "fossil_archive") return fossil_archive(step, context);
  if (action == "apply_patch") return apply_patch(step, context);
  if (action == "cargo_install" || action == "go_install" || action == "npm_install" || action == "pipx_install" ||
      action == "gem_install" || action == "nix_install") {
    return ecosystem(step, context);
  }
  return fail(ErrorKind::internal, "action '{}' is not a composite", action);
}

}  // namespace tailor::plan
