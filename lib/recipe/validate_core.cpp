// Metadata, version, patch and verify checks (docs/validation.md, "Core checks").
#include <array>

#include "recipe/validate_internal.hpp"
#include "util/strings.hpp"

namespace tailor::recipe::detail {
namespace {

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; });
}

std::string_view base_source(std::string_view source) { return source.substr(0, source.find(':')); }

bool is_inferable(const Step& step) {
  const std::string& a = step.action;
  auto string_param = [&](std::string_view key) {
    const nlohmann::json* value = param(step, key);
    return value != nullptr && value->is_string();
  };
  if (a == "npm_install" || a == "pipx_install") return string_param("package");
  if (a == "cargo_install") return string_param("crate");
  if (a == "gem_install") return string_param("gem");
  if (a == "cpan_install") return string_param("distribution");
  if (a == "go_install") return string_param("module");
  if (a == "github_archive" || a == "github_file") return string_param("repo");
  return a == "homebrew" || a == "require_system" || a == "brew_cask" || a == "apt_install" || a == "manual" ||
         a == "require_command";
}

// Dangerous shell constructs in a verify command, one warning per hit (docs/validation.md, "Core checks").
void check_command_safety(Checker& c, const std::string& field, std::string_view command) {
  for (std::string_view pattern : {" rm ", "\trm ", "> /", "| sh", "| bash", "curl |", "wget |"}) {
    if (command.find(pattern) != std::string_view::npos)
      c.warning(field, fmt::format("command contains potentially dangerous pattern '{}'", util::trim(pattern)));
  }
  if (command.starts_with("rm ") || command.starts_with("rm\t"))
    c.warning(field, "command starts with 'rm'; verification must not delete files");
  if (command.find("||") != std::string_view::npos)
    c.warning(field, "command uses '||' to mask failures; use exit_code to accept a non-zero exit status instead");
  if (command.find("&&") != std::string_view::npos)
    c.warning(field, "command chains several commands with '&&'; verify one command");
  for (std::string_view pattern :
       {" eval ", "\teval ", " eval\t", ";eval ", " exec ", "\texec ", " exec\t", ";exec "}) {
    if (command.find(pattern) != std::string_view::npos) {
      c.warning(field, fmt::format("command uses '{}', which runs arbitrary code", util::trim(pattern.substr(1))));
      break;
    }
  }
  if (command.starts_with("eval ") || command.starts_with("eval\t"))
    c.warning(field, "command starts with 'eval', which runs arbitrary code");
  if (command.starts_with("exec ") || command.starts_with("exec\t"))
    c.warning(field, "command starts with 'exec', which replaces the verifying shell");
  if (command.find("$(") != std::string_view::npos) c.warning(field, "command uses command substitution '$(...)'");
  if (command.find('`') != std::string_view::npos) c.warning(field, "command uses backtick command substitution");
}

}  // namespace

void check_metadata(Checker& c) {
  const Metadata& m = c.recipe().metadata;
  if (m.name.empty()) {
    c.error("metadata.name", "name is required");
  } else {
    if (m.name.find(' ') != std::string::npos)
      c.error("metadata.name", "name should not contain spaces (use kebab-case)");
    if (util::to_lower(m.name) != m.name) c.warning("metadata.name", "name should be lowercase (kebab-case)");
  }
  if (m.description.empty()) c.warning("metadata.description", "description is recommended");
  if (!m.type.empty() && m.type != "tool" && m.type != "library")
    c.error("metadata.type", fmt::format("invalid type '{}' (valid values: tool, library)", m.type));
  if (!m.homepage.empty()) {
    if (!m.homepage.starts_with("https://"))
      c.error("metadata.homepage", fmt::format("homepage must start with https:// (got: {})", m.homepage));
    const std::string lowered = util::to_lower(m.homepage);
    for (std::string_view scheme : {"javascript:", "data:", "vbscript:"}) {
      if (lowered.find(scheme) != std::string::npos)
        c.error("metadata.homepage",
                fmt::format("homepage contains dangerous scheme: {}", scheme.substr(0, scheme.size() - 1)));
    }
  }
}

void check_version(Checker& c) {
  const Recipe& r = c.recipe();
  const VersionSection& v = r.version;
  const std::string_view base = base_source(v.source);
  static constexpr std::array<std::string_view, 18> k_sources{
      "github_releases", "github_tags", "nodejs_dist", "http_json", "npm",    "pypi",
      "crates_io",       "rubygems",    "homebrew",    "hashicorp", "manual", "go_toolchain",
      "goproxy",         "metacpan",    "nixpkgs",     "tap",       "cask",   ""};
  if (std::find(k_sources.begin(), k_sources.end(), base) == k_sources.end())
    c.warning("version.source", fmt::format("unknown version source '{}'", v.source));
  if ((base == "github_releases" || base == "github_tags" || base.empty()) && v.github_repo.empty()) {
    bool has_repo = std::any_of(r.steps.begin(), r.steps.end(), [](const Step& s) { return has_param(s, "repo"); });
    bool inferable = std::any_of(r.steps.begin(), r.steps.end(), is_inferable);
    if (!has_repo && !inferable)
      c.warning("version.github_repo", "github_repo is recommended when using github version source", "version");
  }
  if (base == "http_json") {
    if (v.url.empty())
      c.error("version.url", "version.url is required when source = \"http_json\"", "version");
    else if (!v.url.starts_with("https://"))
      c.error("version.url", fmt::format("version.url must use HTTPS, got \"{}\"", v.url));
    if (v.version_path.empty())
      c.error("version.version_path", "version.version_path is required when source = \"http_json\"", "version");
  }
  if (base == "hashicorp") {
    c.warning(
        "version.source",
        "version source 'hashicorp' is deprecated; use source = \"http_json\" against the vendor's checkpoint API");
  }
}

void check_patches(Checker& c) {
  const auto& patches = c.recipe().patches;
  for (size_t i = 0; i < patches.size(); ++i) {
    const Patch& p = patches[i];
    const std::string field = fmt::format("patches[{}]", i);
    if (!p.url.empty() && !p.data.empty()) {
      c.error(field, "cannot specify both 'url' and 'data'");
      continue;
    }
    if (p.url.empty() && p.data.empty()) {
      c.error(field, "must specify either 'url' or 'data'");
      continue;
    }
    if (!p.checksum.empty()) {
      if (p.checksum.size() != 64)
        c.error(field + ".checksum", "checksum must be 64 characters (SHA256 hex)");
      else if (!is_hex(p.checksum))
        c.error(field + ".checksum", "checksum must be hexadecimal (0-9, a-f)");
    }
  }
}

void check_verify(Checker& c) {
  const Recipe& r = c.recipe();
  const Verify& v = r.verify;
  if (r.is_library()) {
    if (!v.additional.empty())
      c.error("verify.additional",
              "libraries cannot have additional verification commands (libraries run no commands)");
    return;
  }
  if (v.command.empty()) {
    c.error("verify.command", "command is required", "verify");
    return;
  }
  if (!v.pattern.empty() && v.patterns) c.error("verify.patterns", "cannot specify both 'pattern' and 'patterns'");
  if (v.patterns && v.patterns->empty()) c.error("verify.patterns", "patterns must not be empty when present");
  if (v.patterns) {
    for (size_t k = 0; k < v.patterns->size(); ++k)
      if ((*v.patterns)[k].empty()) c.error(fmt::format("verify.patterns[{}]", k), "pattern must not be empty");
  }
  check_command_safety(c, "verify.command", v.command);
  for (size_t k = 0; k < v.additional.size(); ++k) {
    const std::string field = fmt::format("verify.additional[{}]", k);
    if (v.additional[k].command.empty())
      c.error(field + ".command", "command is required", field);
    else
      check_command_safety(c, field + ".command", v.additional[k].command);
    if (v.additional[k].pattern.empty()) c.error(field + ".pattern", "pattern is required", field);
  }
  const bool version_mode = v.mode.empty() || v.mode == "version";
  if (version_mode && !v.pattern.empty() && v.pattern.find("{version}") == std::string::npos)
    c.warning("verify.pattern", "pattern does not contain {version}; the installed version is not checked");
  if (version_mode && v.patterns && !v.patterns->empty() &&
      std::none_of(v.patterns->begin(), v.patterns->end(),
                   [](const std::string& p) { return p.find("{version}") != std::string::npos; }))
    c.warning("verify.patterns", "no pattern contains {version}; the installed version is not checked");
  if (v.mode == "output" && v.reason.empty())
    c.error("verify.reason", "reason is required when mode = \"output\" (say why the version cannot be checked)",
            "verify.mode");
  if (v.mode == "functional")
    c.error("verify.mode", "verification mode 'functional' is reserved and not supported yet");
  else if (!v.mode.empty() && v.mode != "version" && v.mode != "output")
    c.error("verify.mode", fmt::format("unknown verification mode '{}' (valid: version, output)", v.mode));
}

}  // namespace tailor::recipe::detail
