// `tailor shellenv [--shell bash|zsh|fish|posix]`: the lines `eval "$(tailor shellenv)"` runs
// (docs/user-guide.md, "Shell set-up").

#include "app/shellenv.hpp"
#include "command.hpp"
#include "config/environment.hpp"

namespace tailor::cli {
namespace {

struct Options {
  std::string shell;
};

const bool k_registered =
    register_command({"shellenv", "Print the shell lines that put tailor's bin/ on PATH (eval \"$(tailor shellenv)\")",
                      [](CLI::App& app, Context& ctx) -> RunFn {
                        auto opts = std::make_shared<Options>();
                        app.add_option("--shell", opts->shell, "bash, zsh, fish or posix (default: from $SHELL)");
                        return [opts, &ctx]() -> Result<int> {
                          app::Shell shell = app::Shell::posix;
                          if (!opts->shell.empty()) {
                            auto parsed = app::parse_shell(opts->shell);
                            if (!parsed) return fail(parsed.error());
                            shell = *parsed;
                          } else {
                            shell = app::shell_from_env(config::env_value(config::EnvVar::shell).value_or(""));
                          }
                          app::ShellEnv env = app::shellenv(install::home_layout(), shell);
                          if (!env.warning.empty()) ctx.output.warn("{}", env.warning);
                          ctx.output.write(env.script);
                          return 0;
                        };
                      }});

}  // namespace
}  // namespace tailor::cli
