// Decomposition of the download composites: download, download_archive, github_archive,
// github_file, fossil_archive.
#include "plan/decompose_support.hpp"
#include "util/strings.hpp"

namespace tailor::plan::detail {
namespace {

Decomposition github_common(const recipe::Step& recipe_step, const DecomposeContext& context, bool archive) {
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
  const auto listed = listed_digest(repo, asset, download["url"].get<std::string>(), context);
  auto file = download_rule(download, unmapped_vars(context), context, listed ? &*listed : nullptr);
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
        K::extract,
        {{"archive", asset}, {"format", format}, {"strip_dirs", param_int(params, "strip_dirs").value_or(0)}}));
    json files = binaries.is_array() ? binary_sources(binaries) : json::array();
    if (binaries.is_array() && files.empty()) files = nullptr;
    steps.push_back(primitive(K::chmod, {{"files", files}}));
    std::string mode = param_string(params, "install_mode");
    steps.push_back(
        primitive(K::install_binaries, {{"binaries", binaries}, {"install_mode", mode.empty() ? "binaries" : mode}}));
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
  steps.push_back(primitive(K::chmod, {{"files", json::array({name})}}));
  steps.push_back(primitive(K::install_binaries, {{"binaries", install_list}}));
  return steps;
}

}  // namespace

Decomposition decompose_download(const recipe::Step& step, const DecomposeContext& context) {
  auto file = download_rule(step.params, composite_vars(context, step.params, true), context);
  if (!file) return fail(file.error());
  return std::vector<PlanStep>{*file};
}

Decomposition decompose_github_archive(const recipe::Step& step, const DecomposeContext& context) {
  return github_common(step, context, true);
}

Decomposition decompose_github_file(const recipe::Step& step, const DecomposeContext& context) {
  return github_common(step, context, false);
}

Decomposition decompose_download_archive(const recipe::Step& recipe_step, const DecomposeContext& context) {
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
  steps.push_back(primitive(K::extract, {{"archive", file->params["dest"]},
                                         {"format", format},
                                         {"strip_dirs", param_int(params, "strip_dirs").value_or(0)}}));
  if (binaries.is_array()) {
    json files = binary_sources(binaries);
    if (!files.empty()) steps.push_back(primitive(K::chmod, {{"files", files}}));
  }
  steps.push_back(primitive(K::install_binaries, {{"binaries", binaries}, {"install_mode", mode}}));
  return steps;
}

Decomposition decompose_fossil_archive(const recipe::Step& recipe_step, const DecomposeContext& context) {
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
  return std::vector<PlanStep>{*file, primitive(K::extract, {{"archive", project + ".tar.gz"},
                                                             {"format", "tar.gz"},
                                                             {"strip_dirs", strip == 0 ? 1 : strip}})};
}

}  // namespace tailor::plan::detail
