#include "install/verify.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string_view>

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

// The words of `command` when it needs no shell: plain words of letters, digits and
// -_./:,+@%=, the first naming a program rather than a shell builtin, reserved word or
// assignment. `sh -c` would run exactly that program with exactly those arguments, so it is
// run directly and one shell start-up per verify is saved (docs/install.md, "The install flow").
std::optional<std::vector<std::string>> plain_words(std::string_view command) {
  static constexpr auto k_shell_words = std::to_array<std::string_view>(
      {"!",      ".",       ":",       "[",        "{",     "}",     "alias",  "bg",   "break", "case",
       "cd",     "chdir",   "command", "continue", "do",    "done",  "echo",   "elif", "else",  "esac",
       "eval",   "exec",    "exit",    "export",   "false", "fc",    "fg",     "fi",   "for",   "getopts",
       "hash",   "if",      "in",      "jobs",     "kill",  "local", "printf", "pwd",  "read",  "readonly",
       "return", "set",     "shift",   "test",     "then",  "times", "trap",   "true", "type",  "ulimit",
       "umask",  "unalias", "unset",   "until",    "wait",  "while"});
  auto plain = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("-_./:,+@%=").find(c) != std::string_view::npos;
  };
  std::vector<std::string> words;
  for (const auto& word : util::split(command, ' ')) {
    if (word.empty()) continue;
    if (!std::all_of(word.begin(), word.end(), plain)) return std::nullopt;
    words.emplace_back(word);
  }
  if (words.empty() || words.front().find('=') != std::string::npos) return std::nullopt;
  const std::string& first = words.front();
  auto is_first = [&](std::string_view w) { return w == first; };
  if (std::any_of(k_shell_words.begin(), k_shell_words.end(), is_first)) return std::nullopt;
  return words;
}

// Runs `command` as `sh -c` would: directly when it needs no shell and its program is found
// on PATH, else through the shell.
Result<ProcessResult> run_command(const std::string& command, ProcessOptions options) {
  if (auto words = plain_words(command)) {
    options.shell_fallback = true;
    auto direct = run_process(*words, options);
    // What sh reports for a program ended by a signal.
    if (direct && direct->exit_code < 0) direct->exit_code = 128 - direct->exit_code;
    // A program that is not found, or found but not startable (127), is left to the shell,
    // which reports it in its own words and with its own status.
    if (direct && direct->exit_code != 127) return direct;
  }
  return run_process({"/bin/sh", "-c", command}, options);
}

Status run_one(const std::string& command, const std::vector<std::string>& patterns, int expected_exit,
               const VerifyInput& input) {
  std::string path = util::join(input.path_dirs, ":");
  path += std::string(path.empty() ? "" : ":") + config::env_value(config::EnvVar::path).value_or("/usr/bin:/bin");
  ProcessOptions options;
  options.timeout = input.timeout;
  options.env["PATH"] = path;
  auto result = run_command(command, options);
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
  const plan::PlanVerify& v = input.verify;
  if (v.command.empty()) return {};
  std::vector<std::string> patterns;
  if (!v.pattern.empty()) patterns.push_back(substitute(v.pattern, input, true));
  for (const auto& pattern : v.patterns) patterns.push_back(substitute(pattern, input, true));
  const int expected_exit = static_cast<int>(v.exit_code.value_or(0));
  if (auto st = run_one(substitute(v.command, input, true), patterns, expected_exit, input); !st) return st;
  for (const auto& [command, pattern] : v.additional) {
    std::vector<std::string> more;
    if (!pattern.empty()) more.push_back(substitute(pattern, input, false));
    if (auto st = run_one(substitute(command, input, true), more, 0, input); !st) return st;
  }
  return {};
}

}  // namespace tailor::install
