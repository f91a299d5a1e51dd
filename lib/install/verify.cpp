#include "install/verify.hpp"

#include <cstdlib>

#include "config/environment.hpp"
#include "install/subprocess.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace {

std::string substitute(const std::string& text, const VerifyInput& input, bool with_install_dir) {
  std::string out = util::replace_all(text, "{version}", input.version);
  if (with_install_dir) out = util::replace_all(out, "{install_dir}", input.install_dir.string());
  return out;
}

Status run_one(const std::string& command, const std::vector<std::string>& patterns, int expected_exit,
               const VerifyInput& input) {
  std::string path = util::join(input.path_dirs, ":");
  path += std::string(path.empty() ? "" : ":") + config::env_value(config::EnvVar::path).value_or("/usr/bin:/bin");
  ProcessOptions options;
  options.timeout = input.timeout;
  options.env["PATH"] = path;
  auto result = run_process({"/bin/sh", "-c", command}, options);
  if (!result)
    return fail(ErrorKind::install, "{}@{}: verify command could not run: {}", input.tool, input.version,
                result.error().message);
  std::string output(util::trim(result->output));
  if (result->timed_out) {
    return fail(ErrorKind::install, "{}@{}: verify command '{}' did not finish within {} s and was killed", input.tool,
                input.version, command, input.timeout.count() / 1000);
  }
  if (result->exit_code != expected_exit) {
    return fail(ErrorKind::install, "{}@{}: verify command '{}' exited with {} (expected {}); output:\n{}", input.tool,
                input.version, command, result->exit_code, expected_exit, output);
  }
  for (const auto& pattern : patterns) {
    if (output.find(pattern) == std::string::npos) {
      return fail(ErrorKind::install, "{}@{}: verify output of '{}' does not contain '{}'; output:\n{}", input.tool,
                  input.version, command, pattern, output);
    }
  }
  return {};
}

}  // namespace

std::chrono::milliseconds verify_timeout() {
  if (auto v = config::env_value(config::EnvVar::tailor_verify_timeout); v && !v->empty()) {
    return std::chrono::milliseconds(std::atoll(v->c_str()) * 1000);
  }
  return std::chrono::milliseconds(60'000);
}

Status run_verify(const VerifyInput& input) {
  const auto& v = input.verify;
  if (!v.is_object() || !v.contains("command") || !v["command"].is_string()) return {};
  std::vector<std::string> patterns;
  if (v.contains("pattern") && v["pattern"].is_string())
    patterns.push_back(substitute(v["pattern"].get<std::string>(), input, true));
  if (v.contains("patterns") && v["patterns"].is_array()) {
    for (const auto& p : v["patterns"]) {
      if (p.is_string()) patterns.push_back(substitute(p.get<std::string>(), input, true));
    }
  }
  int expected_exit = v.contains("exit_code") && v["exit_code"].is_number_integer() ? v["exit_code"].get<int>() : 0;
  if (auto st = run_one(substitute(v["command"].get<std::string>(), input, true), patterns, expected_exit, input); !st)
    return st;
  if (v.contains("additional") && v["additional"].is_array()) {
    for (const auto& extra : v["additional"]) {
      std::vector<std::string> more;
      if (extra.contains("pattern") && extra["pattern"].is_string() && !extra["pattern"].get<std::string>().empty()) {
        more.push_back(substitute(extra["pattern"].get<std::string>(), input, false));
      }
      if (auto st = run_one(substitute(extra.value("command", std::string()), input, true), more, 0, input); !st)
        return st;
    }
  }
  return {};
}

}  // namespace tailor::install
