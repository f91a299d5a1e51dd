#include "app/shellenv.hpp"

#include <fmt/format.h>

#include "install/steps.hpp"
#include "recipe/actions.hpp"
#include "util/strings.hpp"
#include "util/suggest.hpp"

namespace tailor::app {
namespace {

// A name every shell accepts in `export NAME=...` / `set -gx NAME ...`; anything else a recipe
// wrote is left out rather than handed to eval.
bool is_shell_identifier(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Single quotes keep everything literal in sh, bash and zsh; a quote inside ends the string,
// adds an escaped quote and starts a new one.
std::string posix_quote(std::string_view text) {
  return "'" + util::replace_all(std::string(text), "'", "'\\''") + "'";
}

// In fish only \\ and \' are escapes inside single quotes.
std::string fish_quote(std::string_view text) {
  std::string out = util::replace_all(std::string(text), "\\", "\\\\");
  return "'" + util::replace_all(out, "'", "\\'") + "'";
}

void add_variable(const std::string& tool, const std::string& name, const std::string& value,
                  const std::filesystem::path& dir, std::vector<ToolVariable>& out) {
  // PATH belongs to the lines above the variables; a recipe does not get to replace it.
  if (!is_shell_identifier(name) || name == "PATH") return;
  out.push_back({tool, name, util::replace_all(value, "{install_dir}", dir.string())});
}

// The `vars` of one set_env step, in every shape its executor accepts: [{name, value}],
// ["NAME=value"] or {NAME: value}.
void step_variables(const nlohmann::json& vars, const std::string& tool, const std::filesystem::path& dir,
                    std::vector<ToolVariable>& out) {
  auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  if (vars.is_object()) {
    for (const auto& [name, value] : vars.items()) add_variable(tool, name, text(value), dir, out);
    return;
  }
  if (!vars.is_array()) return;
  for (const auto& entry : vars) {
    if (entry.is_string()) {
      const std::string& assignment = entry.get_ref<const std::string&>();
      size_t eq = assignment.find('=');
      if (eq != std::string::npos) add_variable(tool, assignment.substr(0, eq), assignment.substr(eq + 1), dir, out);
    } else if (entry.is_object() && entry.contains("name") && entry["name"].is_string() && entry.contains("value")) {
      add_variable(tool, entry["name"].get<std::string>(), text(entry["value"]), dir, out);
    }
  }
}

}  // namespace

const std::vector<std::string_view>& shell_names() {
  static const std::vector<std::string_view> k_names{"bash", "zsh", "fish", "posix"};
  return k_names;
}

std::string_view shell_name(Shell shell) { return shell_names()[static_cast<size_t>(shell)]; }

Result<Shell> parse_shell(std::string_view name) {
  const auto& names = shell_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Shell>(i);
  std::vector<std::string> candidates(names.begin(), names.end());
  return fail(ErrorKind::usage, "unknown shell '{}'{}; --shell takes one of bash, zsh, fish, posix", name,
              util::did_you_mean(name, candidates));
}

Shell shell_from_env(std::string_view shell_variable) {
  std::string_view base = shell_variable.substr(shell_variable.rfind('/') + 1);
  if (base == "bash") return Shell::bash;
  if (base == "zsh") return Shell::zsh;
  if (base == "fish") return Shell::fish;
  return Shell::posix;
}

namespace {

// Calls `use(tool, active version, params)` for each `kind` step, with object parameters, of
// the recorded plan of every installed tool's active version, by tool name and in step order.
template <typename Use>
void for_each_active_step(const install::State& state, recipe::ActionKind kind, Use use) {
  for (const auto& [name, tool] : state.installed) {
    auto version = tool.versions.find(tool.active_version);
    if (version == tool.versions.end()) continue;
    const nlohmann::json& plan = version->second.plan;
    if (!plan.is_object() || !plan.contains("steps") || !plan["steps"].is_array()) continue;
    for (const auto& step : plan["steps"]) {
      if (!step.is_object() || !recipe::is_action(step.value("action", ""), kind)) continue;
      if (step.contains("params") && step["params"].is_object()) use(name, tool.active_version, step["params"]);
    }
  }
}

}  // namespace

std::vector<ToolVariable> installed_variables(const install::Layout& layout, const install::State& state) {
  std::vector<ToolVariable> out;
  for_each_active_step(state, recipe::ActionKind::set_env,
                       [&](const std::string& tool, const std::string& version, const nlohmann::json& params) {
                         if (params.contains("vars"))
                           step_variables(params["vars"], tool, layout.tool_dir(tool, version), out);
                       });
  return out;
}

std::vector<ToolFragment> installed_fragments(const install::Layout& layout, const install::State& state, Shell shell) {
  std::vector<ToolFragment> out;
  if (shell == Shell::posix) return out;
  for_each_active_step(state, recipe::ActionKind::install_shell_init,
                       [&](const std::string& tool, const std::string& version, const nlohmann::json& params) {
                         const std::string target = params.value("target", "");
                         if (target.empty() || target.find('/') != std::string::npos) return;
                         std::filesystem::path file =
                             install::shell_fragment(layout.tool_dir(tool, version), target, shell_name(shell));
                         std::error_code ec;
                         if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(file, ec))) return;
                         out.push_back({fmt::format("{}@{}/{}", tool, version, target), std::move(file)});
                       });
  return out;
}

std::string shellenv_script(Shell shell, const std::filesystem::path& bin, const std::vector<ToolVariable>& variables,
                            const std::vector<ToolFragment>& fragments) {
  std::string out;
  if (shell == Shell::fish) {
    std::string dir = fish_quote(bin.string());
    out += fmt::format("if not contains -- {} $PATH\n    set -gx PATH {} $PATH\nend\n", dir, dir);
    for (const auto& variable : variables)
      out += fmt::format("set -gx {} {}\n", variable.name, fish_quote(variable.value));
    for (const auto& fragment : fragments) {
      std::string key = fish_quote(fragment.key);
      out += fmt::format(
          "if not contains -- {} $__tailor_shell_init\n    source {}\n    set -g __tailor_shell_init "
          "$__tailor_shell_init {}\nend\n",
          key, fish_quote(fragment.file.string()), key);
    }
    return out;
  }
  // `case` rather than a test on $PATH alone: a second eval finds the directory and adds
  // nothing, and an empty PATH gets no stray ':' (which would mean the current directory).
  std::string dir = posix_quote(bin.string());
  out += fmt::format(
      "case \":${{PATH}}:\" in\n  *:{}:*) ;;\n  *) PATH={}\"${{PATH:+:${{PATH}}}}\"; export PATH ;;\nesac\n", dir, dir);
  for (const auto& variable : variables)
    out += fmt::format("export {}={}\n", variable.name, posix_quote(variable.value));
  // A shell variable, never exported: a new shell sources every fragment again.
  for (const auto& fragment : fragments) {
    std::string key = posix_quote(fragment.key);
    out += fmt::format(
        "case \":${{__tailor_shell_init-}}:\" in\n  *:{}:*) ;;\n  *) . {}; "
        "__tailor_shell_init=\"${{__tailor_shell_init:+${{__tailor_shell_init}}:}}\"{} ;;\nesac\n",
        key, posix_quote(fragment.file.string()), key);
  }
  return out;
}

ShellEnv shellenv(const install::Layout& layout, Shell shell) {
  auto state = install::read_state(layout);
  if (!state) {
    return {shellenv_script(shell, layout.bin(), {}),
            fmt::format("the set_env values of installed tools are left out: {}", state.error().message)};
  }
  return {shellenv_script(shell, layout.bin(), installed_variables(layout, *state),
                          installed_fragments(layout, *state, shell)),
          ""};
}

}  // namespace tailor::app
