// The download actions (docs/actions.md): the composites download, download_archive,
// github_archive, github_file and fossil_archive, which plan into download_file (and extract,
// chmod, install_binaries), the primitive download_file itself, and macOS's app_bundle.
#include "actions/action.hpp"
#include "install/safe_path.hpp"
#include "install/signature.hpp"
#include "install/step_params.hpp"
#include "plan/decompose_support.hpp"
#include "recipe/validate_actions.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace tailor::actions {
namespace {

using namespace recipe::detail;
using namespace plan;
using namespace plan::detail;
using namespace install;

// Parameter checks (tailor validate)

void check_download(const StepCheck& s) {
  s.require("url");
  if (s.has("checksum"))
    s.error("download does not accept 'checksum'; static checksums belong to download_file (or use checksum_url)");
  std::vector<std::string> missing_signature;
  int present = 0;
  for (std::string_view key : {"signature_url", "signature_key_url", "signature_key_fingerprint"}) {
    if (s.missing(key))
      missing_signature.emplace_back(key);
    else
      ++present;
  }
  if (present > 0 && present < 3)
    s.error(fmt::format("signature verification is incomplete; missing: {}", util::join(missing_signature, ", ")));
  if (!s.missing("signature_url") && !s.missing("checksum_url"))
    s.error("signature_url and checksum_url cannot be used together");
  const std::string fingerprint = s.str("signature_key_fingerprint");
  if (!fingerprint.empty()) {
    std::string compact;
    for (char ch : fingerprint)
      if (ch != ' ') compact += ch;
    bool hex = std::all_of(compact.begin(), compact.end(),
                           [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; });
    if (compact.size() != 40 || !hex)
      s.error(fmt::format("signature_key_fingerprint '{}' must be 40 hexadecimal characters", fingerprint));
  }
  if (s.missing("checksum_url") && s.missing("signature_url") && s.missing("skip_verification_reason"))
    s.warning("no checksum_url or signature_url: integrity relies on plan-time computation");
  const std::string url = s.str("url");
  if (!url.empty() && url.find('{') == std::string::npos)
    s.error("url contains no placeholders; use download_file for a static URL");
  const std::string signature_url = s.str("signature_url");
  if (!signature_url.empty() && signature_url.find('{') == std::string::npos)
    s.warning("signature_url contains no placeholders; it will not follow new versions");
  s.mapping_use(url, "url");
  s.fallback_checks();
}

void check_download_archive(const StepCheck& s) {
  s.require("url");
  const std::string url = s.str("url");
  s.mapping_use(url, "url");
  s.redundant_format(url, "the url");
  if (s.has("checksum_asset")) s.error("checksum_asset is only supported by github_archive; use checksum_url");
  s.checksum_url_version(url);
  s.fallback_checks();
}

void check_github_archive(const StepCheck& s) {
  s.repo_checks();
  s.require("asset_pattern");
  const std::string pattern = s.str("asset_pattern");
  s.mapping_use(pattern, "asset_pattern");
  s.redundant_format(pattern, "asset_pattern");
  if (!s.missing("checksum_url") && !s.missing("checksum_asset"))
    s.error("checksum_url and checksum_asset cannot be used together");
  if (!s.missing("checksum_asset") && pattern.find_first_of("*?[]") != std::string::npos)
    s.error("checksum_asset cannot be used with a wildcard asset_pattern");
  s.checksum_url_version(pattern);
}

void check_github_file(const StepCheck& s) {
  s.repo_checks();
  s.require("asset_pattern");
  const std::string pattern = s.str("asset_pattern");
  s.mapping_use(pattern, "asset_pattern");
  const std::string lowered = util::to_lower(pattern);
  for (std::string_view suffix : {".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".zip", ".tar"}) {
    if (lowered.ends_with(suffix)) {
      s.warning(fmt::format("asset_pattern ends in '{}'; use github_archive for archives", suffix));
      break;
    }
  }
}

void check_fossil_archive(const StepCheck& s) {
  s.require("repo");
  if (!s.missing("repo") && !s.str("repo").starts_with("https://"))
    s.error("fossil_archive 'repo' must be an https:// URL");
  s.require("project_name");
}

void check_app_bundle(const StepCheck& s) {
  for (std::string_view key : {"url", "checksum", "app_name"}) s.require(key);
  s.warning("app_bundle only works on macOS; restrict the step with when = { os = [\"darwin\"] }");
}

// Decomposition

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

// Execution

// A detached signature or an armoured public key; real ones are a few kilobytes.
constexpr uint64_t k_max_signature_bytes = 1 << 20;

// The detached signature a step names, checked on its downloaded bytes; bytes that fail are
// kept neither in the work directory nor in the download cache.
Status check_signature(const SignatureSpec& spec, const std::string& url, const fs::path& target,
                       const fetch::FetchedFile& fetched, StepContext& ctx) {
  Status verified = [&]() -> Status {
    if (ctx.keyring.empty()) return fail(ErrorKind::internal, "no keyring for the signature of {}", url);
    auto signature = ctx.downloader->fetch_text(spec.url, k_max_signature_bytes);
    if (!signature) return fail(ErrorKind::checksum, "missing signature for {}: {}", url, signature.error().message);
    auto key = ctx.downloader->fetch_text(spec.key_url, k_max_signature_bytes);
    if (!key)
      return fail(ErrorKind::checksum, "cannot check the signature of {}: the key: {}", url, key.error().message);
    return verify_signature(SignatureCheck{ctx.keyring, target, std::move(*signature), std::move(*key), spec, url});
  }();
  if (!verified) {
    std::error_code ec;
    fs::remove(target, ec);
    ctx.downloader->discard(fetched);
  }
  return verified;
}

Status download_file(const plan::PlanStep& step, const ordered_json& params, StepContext& ctx) {
  std::string url = string_param(params, "url", step.url);
  std::string checksum = util::normalize_checksum(string_param(params, "checksum", step.checksum));
  std::string algo = string_param(params, "checksum_algo", "sha256");
  if (checksum.empty()) {
    return fail(ErrorKind::checksum,
                "{}@{}: download_file {} has no checksum; tailor refuses unverified downloads (regenerate the plan)",
                ctx.tool, ctx.version, url);
  }
  auto signature = signature_of(params);
  if (!signature) return fail(signature.error());
  std::string dest = string_param(params, "dest", url.substr(url.rfind('/') + 1));
  auto dest_parts = clean_relative(dest, "download_file dest");
  if (!dest_parts || dest_parts->empty())
    return fail(ErrorKind::invalid_input, "download_file dest '{}' is not a relative file name", dest);
  if (ctx.downloader == nullptr) return fail(ErrorKind::internal, "no downloader configured");
  fetch::FetchRequest request = *download_request(step);
  // A signed artifact is verified before its signature is checked, not in the background.
  request.defer_verification = !signature->has_value();
  auto fetched = ctx.downloader->fetch(request);
  if (!fetched) return fail(fetched.error());
  if (request.expected_size != 0 && fetched->size != request.expected_size) {
    return fail(ErrorKind::checksum, "size mismatch for {}: expected {} bytes, got {}", url, request.expected_size,
                fetched->size);
  }
  // A cache hit named by this very checksum, re-hashed in the background meanwhile. Registered
  // first: a failed re-hash removes the entry, and the executor then reports the checksum
  // rather than the copy below failing.
  if (fetched->verification.valid()) ctx.pending_verifications.emplace_back(url, fetched->verification);
  fs::path target = ctx.work / join_path(*dest_parts);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  // A hard link to the cache entry costs nothing; copy when the cache is elsewhere.
  if (::link(fetched->path.c_str(), target.c_str()) != 0) {
    fs::copy_file(fetched->path, target, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return fail(ErrorKind::failure, "cannot copy {} into the work directory: {}", fetched->path.string(),
                  ec.message());
  }
  if (fetched->verification.valid()) return {};  // registered above; the executor waits for it
  std::string actual = fetched->sha256;
  if (algo != "sha256" || actual.empty()) {
    auto digest = util::file_digest(target, algo);
    if (!digest) return fail(digest.error());
    actual = *digest;
  }
  if (actual != checksum) {
    fs::remove(target, ec);
    return fail(ErrorKind::checksum, "checksum mismatch for {}: expected {} {}, got {}", url, algo, checksum, actual);
  }
  if (*signature) return check_signature(**signature, url, target, *fetched, ctx);
  return {};
}

}  // namespace

using recipe::ActionKind;
using recipe::behaviour_for;

constexpr recipe::ActionBehaviour k_app_bundle = behaviour_for(ActionKind::app_bundle, {.check = check_app_bundle});
constexpr recipe::ActionBehaviour k_download =
    behaviour_for(ActionKind::download, {.check = check_download, .decompose = decompose_download});
constexpr recipe::ActionBehaviour k_download_archive = behaviour_for(
    ActionKind::download_archive, {.check = check_download_archive, .decompose = decompose_download_archive});
constexpr recipe::ActionBehaviour k_download_file =
    behaviour_for(ActionKind::download_file, {.execute = download_file});
constexpr recipe::ActionBehaviour k_fossil_archive =
    behaviour_for(ActionKind::fossil_archive, {.check = check_fossil_archive, .decompose = decompose_fossil_archive});
constexpr recipe::ActionBehaviour k_github_archive =
    behaviour_for(ActionKind::github_archive, {.check = check_github_archive, .decompose = decompose_github_archive});
constexpr recipe::ActionBehaviour k_github_file =
    behaviour_for(ActionKind::github_file, {.check = check_github_file, .decompose = decompose_github_file});

}  // namespace tailor::actions
