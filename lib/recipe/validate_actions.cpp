// Per-action parameter checks (§3.6). Errors and warnings go to field `steps[i]`.
#include "recipe/actions.hpp"
#include "recipe/validate_internal.hpp"
#include "util/strings.hpp"

#include <regex>

namespace tailor::recipe::detail {
namespace {

struct StepCheck {
  Checker& c;
  const Step& step;
  std::string field;
  bool darwin_only;

  void error(std::string message) const { c.error(field, std::move(message)); }
  void warning(std::string message) const {
    if (darwin_only && message.find("only works on macOS") != std::string::npos) return;
    c.warning(field, std::move(message));
  }
  bool has(std::string_view key) const { return has_param(step, key); }
  std::string str(std::string_view key) const { return param_string(step, key); }
  // A parameter that is missing, an empty string or an empty array.
  bool missing(std::string_view key) const {
    const nlohmann::json* v = param(step, key);
    return v == nullptr || v->is_null() || (v->is_string() && v->get_ref<const std::string&>().empty()) ||
           (v->is_array() && v->empty());
  }
  void require(std::string_view key) const {
    if (missing(key)) error(fmt::format("{} requires '{}' parameter", step.action, key));
  }

  void mapping_use(std::string_view target, std::string_view target_name) const {
    if (has("os_mapping") && target.find("{os}") == std::string_view::npos)
      warning(fmt::format("os_mapping is unused: {} does not contain {{os}}", target_name));
    if (has("arch_mapping") && target.find("{arch}") == std::string_view::npos)
      warning(fmt::format("arch_mapping is unused: {} does not contain {{arch}}", target_name));
  }
  void redundant_format(std::string_view source, std::string_view source_name) const {
    const std::string format = str("archive_format");
    if (!format.empty() && format == detect_archive_format(source))
      warning(fmt::format("archive_format '{}' is redundant; it is detected from {}", format, source_name));
  }
  void repo_checks() const {
    const std::string repo = str("repo");
    if (repo.empty())
      error(fmt::format("{} requires 'repo' parameter", step.action));
    else if (std::count(repo.begin(), repo.end(), '/') != 1)
      error(fmt::format("repo '{}' must have the form owner/name", repo));
  }
  void checksum_url_version(std::string_view source) const {
    const std::string checksum_url = str("checksum_url");
    if (!checksum_url.empty() && source.find("{version}") != std::string_view::npos &&
        checksum_url.find("{version}") == std::string::npos)
      warning("checksum_url does not contain {version} although the download does; it will not follow new versions");
  }
  void fallback_checks() const {
    const nlohmann::json* fallbacks = param(step, "fallback_urls");
    if (fallbacks == nullptr || !fallbacks->is_array()) return;
    if (fallbacks->empty()) {
      warning("fallback_urls is empty; remove it or list mirror URLs");
      return;
    }
    const std::string url = str("url");
    std::vector<std::string> seen{url};
    for (size_t k = 0; k < fallbacks->size(); ++k) {
      if (!(*fallbacks)[k].is_string()) continue;
      const std::string entry = (*fallbacks)[k].get<std::string>();
      const std::string entry_field = fmt::format("{}.fallback_urls[{}]", field, k);
      if (util::trim(entry).empty()) {
        c.error(entry_field, "fallback URL is blank");
        continue;
      }
      if (!entry.starts_with("https://"))
        c.error(entry_field, fmt::format("fallback URL must use https:// (got: {})", entry));
      if (std::find(seen.begin(), seen.end(), entry) != seen.end())
        c.warning(entry_field, fmt::format("fallback URL '{}' duplicates the url or an earlier entry", entry));
      if (url.find("{version}") != std::string::npos && entry.find("{version}") == std::string::npos)
        c.warning(entry_field, "fallback URL lacks {version} while url has it");
      seen.push_back(entry);
    }
  }
};

bool valid_unit_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '.' || ch == '_' || ch == '-' || ch == '@';
  });
}

bool valid_command_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '.' || ch == '_' || ch == '-' || ch == '+';
  });
}

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

void check_chmod(const StepCheck& s) {
  if (!s.has("files"))
    s.error("chmod requires 'files' parameter");
  else if (s.missing("files"))
    s.error("chmod 'files' must not be empty");
  const nlohmann::json* mode = param(s.step, "mode");
  if (mode == nullptr) return;
  long bits = -1;
  if (mode->is_string()) {
    const std::string& text = mode->get_ref<const std::string&>();
    char* end = nullptr;
    long value = std::strtol(text.c_str(), &end, 8);
    if (!text.empty() && end != nullptr && *end == '\0') bits = value;
  } else if (mode->is_number_integer()) {
    bits = mode->get<long>();
  }
  if (bits >= 0 && (bits & 02) != 0) s.warning(fmt::format("mode {} makes files world-writable", mode->dump()));
}

void check_install_binaries(const StepCheck& s) {
  const std::string mode = s.str("install_mode");
  if (mode != "directory" && mode != "directory_wrapped") {
    if (!s.has("outputs") && !s.has("binaries"))
      s.error("install_binaries requires 'outputs' (or legacy 'binaries')");
    else if ((s.has("outputs") && s.missing("outputs")) || (s.has("binaries") && s.missing("binaries")))
      s.error("install_binaries 'outputs'/'binaries' must not be empty");
  }
  if (s.has("outputs") && s.has("binaries")) s.error("install_binaries accepts 'outputs' or 'binaries', not both");
  if (s.has("binary")) s.error("install_binaries does not accept 'binary'; use 'outputs'");
}

void check_set_env(const StepCheck& s) {
  const nlohmann::json* vars = param(s.step, "vars");
  if (vars == nullptr) return s.error("set_env requires 'vars' parameter");
  if (!vars->is_array() || vars->empty())
    return s.error("set_env 'vars' must be a non-empty array of {name, value} tables");
  for (const auto& entry : *vars) {
    bool ok = entry.is_object() && entry.contains("name") && entry["name"].is_string() &&
              !entry["name"].get_ref<const std::string&>().empty() && entry.contains("value") &&
              entry["value"].is_string();
    if (!ok) return s.error("set_env 'vars' entries must be tables with string 'name' and 'value'");
  }
}

void check_require(const StepCheck& s, bool legacy) {
  const std::string command = s.str("command");
  if (command.empty())
    s.error(fmt::format("{} requires 'command' parameter", s.step.action));
  else if (!legacy && !valid_command_name(command))
    s.error(fmt::format("command '{}' must be a single command name", command));
  if (legacy && s.has("install_guide")) s.error("install_guide was removed; describe installation with a manual step");
  if (!s.missing("min_version") && (s.missing("version_flag") || s.missing("version_regex")))
    s.error("min_version requires both version_flag and version_regex");
  const std::string regex = s.str("version_regex");
  if (!legacy && !regex.empty()) {
    try {
      std::regex compiled(regex);
    } catch (const std::regex_error& e) {
      s.error(fmt::format("version_regex '{}' does not compile: {}", regex, e.what()));
    }
  }
}

void check_shell_files(const StepCheck& s) {
  if (s.missing("source_file") == s.missing("source_command"))
    s.error(fmt::format("{} requires exactly one of 'source_file' and 'source_command'", s.step.action));
  s.require("target");
  if (const nlohmann::json* shells = param(s.step, "shells"); shells != nullptr && shells->is_array()) {
    for (const auto& shell : *shells) {
      std::string name = shell.is_string() ? shell.get<std::string>() : shell.dump();
      if (name != "bash" && name != "zsh" && name != "fish")
        s.error(fmt::format("unsupported shell '{}' (supported: bash, zsh, fish)", name));
    }
  }
}

void check_program_files(const StepCheck& s) {
  if (s.missing("files")) return s.error("install_program_files requires non-empty 'files' parameter");
  const nlohmann::json* files = param(s.step, "files");
  if (!files->is_array()) return;
  for (const auto& entry : *files) {
    std::vector<std::string> paths;
    if (entry.is_string()) paths.push_back(entry.get<std::string>());
    if (entry.is_object())
      for (const char* key : {"src", "dest"})
        if (entry.contains(key) && entry[key].is_string()) paths.push_back(entry[key].get<std::string>());
    for (const std::string& path : paths)
      if (path.starts_with("/") || path.find("..") != std::string::npos)
        s.error(fmt::format("files entry '{}' must be a relative path without '..'", path));
  }
}

}  // namespace

void check_action_params(Checker& c, size_t index, const Step& step) {
  const auto& os = c.recipe().metadata.supported_os;
  StepCheck s{c, step, fmt::format("steps[{}]", index), os && *os == std::vector<std::string>{"darwin"}};
  const std::string& a = step.action;
  if (a == "download") return check_download(s);
  if (a == "download_archive") return check_download_archive(s);
  if (a == "github_archive") return check_github_archive(s);
  if (a == "github_file") return check_github_file(s);
  if (a == "extract") {
    if (s.str("archive").empty()) s.error("extract requires a string 'archive' parameter");
    return;
  }
  if (a == "chmod") return check_chmod(s);
  if (a == "install_binaries") return check_install_binaries(s);
  if (a == "homebrew") return s.require("formula");
  if (a == "fossil_archive") {
    s.require("repo");
    if (!s.missing("repo") && !s.str("repo").starts_with("https://"))
      s.error("fossil_archive 'repo' must be an https:// URL");
    return s.require("project_name");
  }
  if (a == "apply_patch") {
    if (s.missing("url") == s.missing("data")) s.error("apply_patch requires exactly one of 'url' and 'data'");
    if (!s.missing("url") && s.missing("sha256")) s.error("apply_patch with 'url' requires 'sha256'");
    return;
  }
  if (a == "npm_install" || a == "pipx_install") return s.require("package"), s.require("executables");
  if (a == "cargo_install") return s.require("crate"), s.require("executables");
  if (a == "gem_install") return s.require("gem"), s.require("executables");
  if (a == "go_install") return s.require("module"), s.require("executables");
  if (a == "cpan_install") return s.require("distribution"), s.require("executables");
  if (a == "configure_make") {
    s.require("source_dir");
    if (s.has("skip_configure") && s.missing("make_args")) s.warning("skip_configure is set but make_args is empty");
    return;
  }
  if (a == "run_command") {
    s.require("command");
    const std::string command = s.str("command");
    for (std::string_view path : {"~/.tsuku", "$HOME/.tsuku", "${HOME}/.tsuku", ".tsuku/tools/", ".tsuku/bin/"}) {
      if (command.find(path) != std::string::npos) {
        s.warning(fmt::format("command hard-codes the install path '{}'; use the step's variables instead", path));
        break;
      }
    }
    return;
  }
  if (a == "set_env") return check_set_env(s);
  if (a == "apt_install" || a == "dnf_install" || a == "pacman_install" || a == "apk_install" ||
      a == "zypper_install" || a == "brew_install" || a == "brew_cask") {
    if (s.missing("packages")) s.error(fmt::format("{} requires non-empty 'packages' parameter", a));
    return;
  }
  if (a == "apt_repo" || a == "dnf_repo") {
    for (std::string_view key : {"url", "key_url", "key_sha256"}) s.require(key);
    for (std::string_view key : {"url", "key_url"}) {
      const std::string value = s.str(key);
      if (!value.empty() && !value.starts_with("https://"))
        s.error(fmt::format("{} must use https:// (got: {})", key, value));
    }
    return;
  }
  if (a == "apt_ppa") return s.require("ppa");
  if (a == "require_system") return check_require(s, true);
  if (a == "require_command") return check_require(s, false);
  if (a == "group_add" || a == "service_enable" || a == "service_start") {
    const std::string_view key = a == "group_add" ? "group" : "service";
    const std::string value = s.str(key);
    if (value.empty())
      s.error(fmt::format("{} requires '{}' parameter", a, key));
    else if (!valid_unit_name(value))
      s.error(fmt::format("{} '{}' contains invalid characters", key, value));
    return;
  }
  if (a == "manual") return s.require("text");
  if (a == "app_bundle") {
    for (std::string_view key : {"url", "checksum", "app_name"}) s.require(key);
    return s.warning("app_bundle only works on macOS; restrict the step with when = { os = [\"darwin\"] }");
  }
  if (a == "install_shell_init" || a == "install_completions") return check_shell_files(s);
  if (a == "install_program_files") return check_program_files(s);
}

}  // namespace tailor::recipe::detail
