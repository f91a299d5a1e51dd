// Parameter checks of the actions that download: download, download_archive, github_archive,
// github_file, fossil_archive, apply_patch, homebrew, app_bundle.
#include "recipe/actions.hpp"
#include "recipe/validate_actions.hpp"
#include "util/strings.hpp"

namespace tailor::recipe::detail {

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

void check_apply_patch(const StepCheck& s) {
  if (s.missing("url") == s.missing("data")) s.error("apply_patch requires exactly one of 'url' and 'data'");
  if (!s.missing("url") && s.missing("sha256")) s.error("apply_patch with 'url' requires 'sha256'");
}

void check_homebrew(const StepCheck& s) { s.require("formula"); }

void check_app_bundle(const StepCheck& s) {
  for (std::string_view key : {"url", "checksum", "app_name"}) s.require(key);
  s.warning("app_bundle only works on macOS; restrict the step with when = { os = [\"darwin\"] }");
}

}  // namespace tailor::recipe::detail
