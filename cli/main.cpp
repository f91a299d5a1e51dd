// tailor's entry point: parse, dispatch, map errors to exit codes.
#include <unistd.h>
#include <algorithm>
#include <iostream>

#include "command.hpp"
#include "config/environment.hpp"
#include "usage_errors.hpp"
#include "util/shared_library.hpp"
#include "util/strings.hpp"

int main(int argc, char** argv) {
  using namespace tailor;
  CLI::App app{
      "tailor: installs developer tools from TOML recipes and gets GPU software right.\n"
      "Docs: docs/user-guide.md. Exit codes: docs/exit-codes.md.",
      "tailor"};
  app.set_version_flag("--version", std::string("tailor ") + TAILOR_VERSION);
  app.require_subcommand(1);
  // Global flags work after the command too (`tailor install x -q`); subcommands inherit this.
  app.fallthrough();
  cli::Context context;
  bool quiet = false;
  bool no_color = false;
  int verbose = 0;
  app.add_flag("-q,--quiet", quiet, "Print only results and errors");
  app.add_flag("-v,--verbose", verbose, "Print more detail (repeat for more)");
  app.add_flag("--no-color", no_color, "Never colour output (NO_COLOR is honoured too)");

  // Building every command costs more than `tailor detect` itself, so when the command line
  // names a command only that one is built. Top-level help, shell completions (which describe
  // every command) and unknown words still see them all.
  std::string invoked = cli::invoked_command(argc, argv);
  bool only_invoked = invoked != "completion" &&
                      std::ranges::any_of(cli::registered_commands(), [&](const auto& d) { return d.name == invoked; });
  if (!invoked.empty() && !only_invoked && invoked != "completion") {
    // CLI11 would say only "A subcommand is required": name the word and the likely command.
    std::cerr << "error: " << cli::unknown_command_message(invoked) << '\n';
    return exit_code(ErrorKind::usage);
  }
  std::vector<std::pair<CLI::App*, cli::RunFn>> commands;
  for (const auto& def : cli::registered_commands()) {
    if (only_invoked && def.name != invoked) continue;
    CLI::App* sub = app.add_subcommand(def.name, def.description);
    commands.emplace_back(sub, def.setup(*sub, context));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // Every refused command line reads like every other error: `error: <message>`, exit 2.
    std::cerr << "error: " << cli::parse_error_message(app, e, invoked) << '\n';
    return exit_code(ErrorKind::usage);
  }
  context.output.quiet = quiet;
  context.output.verbosity = verbose;
  context.output.color = !no_color && !config::env_value(config::EnvVar::no_color) && ::isatty(STDERR_FILENO) == 1;

  try {
    for (auto& [sub, run] : commands) {
      if (!sub->parsed()) continue;
      Result<int> result = run();
      if (result) return *result;
      *context.output.err << context.output.paint("error: ", "31") << result.error().message << '\n';
      return exit_code(result.error().kind);
    }
  } catch (const util::MissingLibrary& e) {
    // A library opened on first use (libcurl, libarchive, libcrypto) is missing: an install problem.
    *context.output.err << context.output.paint("error: ", "31") << e.what() << '\n';
    return exit_code(ErrorKind::failure);
  } catch (const std::exception& e) {
    *context.output.err << "internal error: " << e.what() << "\n(this is a bug in tailor; please report it)\n";
    return exit_code(ErrorKind::internal);
  }
  return exit_code(ErrorKind::usage);
}
