#include "install/subprocess.hpp"

#include "config/environment.hpp"
#include "util/process.hpp"

namespace tailor::install {

std::string search_path() { return config::env_value(config::EnvVar::path).value_or("/usr/bin:/bin"); }

Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  util::ProcessOptions spawn;
  spawn.env = options.env;
  // Built, not assigned from a literal: GCC 12 misreads that assignment here (-Wrestrict).
  spawn.env.insert_or_assign("LC_ALL", std::string(1, 'C'));
  auto path = options.env.find("PATH");
  spawn.search_path = path != options.env.end() ? path->second : search_path();
  spawn.inherit_environment = options.inherit_environment;
  spawn.cwd = options.cwd;
  spawn.input = util::ChildInput::text;  // empty text: stdin at end of file at once
  spawn.input_text = options.stdin_text;
  spawn.max_output = options.max_output;
  spawn.timeout = options.timeout;
  spawn.shell_fallback = options.shell_fallback;
  auto run = util::run_process(argv, spawn);
  if (!run) return fail(run.error());
  return ProcessResult{run->signal != 0 ? -run->signal : run->exit_code, run->timed_out, std::move(run->output)};
}

}  // namespace tailor::install
