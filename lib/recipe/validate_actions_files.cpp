// Parameter checks of the actions that place files: extract, chmod, install_binaries, set_env,
// install_shell_init, install_completions, install_program_files.
#include "recipe/validate_actions.hpp"

namespace tailor::recipe::detail {

void check_extract(const StepCheck& s) {
  if (s.str("archive").empty()) s.error("extract requires a string 'archive' parameter");
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

void check_install_program_files(const StepCheck& s) {
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

}  // namespace tailor::recipe::detail
