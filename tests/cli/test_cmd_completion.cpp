// `tailor completion`: scripts generated from the command model, checked by running them.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "support/process.hpp"
#include "support/scratch.hpp"

using namespace tailor::test;

namespace {

// The subcommand names `tailor --help` lists (CLI11 prints them under "Subcommands:").
std::set<std::string> help_subcommands() {
  RunResult help = run_tailor({"--help"});
  REQUIRE(help.exit_code == 0);
  std::set<std::string> names;
  std::istringstream lines(help.out);
  std::string line;
  bool in_section = false;
  while (std::getline(lines, line)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_section = true;
      continue;
    }
    if (!in_section) continue;
    if (line.empty() || line[0] != ' ') break;
    std::istringstream words(line);
    std::string name;
    words >> name;
    names.insert(name);
  }
  return names;
}

// Sources the bash script and asks it to complete `words` (the last one being typed).
std::string bash_complete(const std::string& script_path, const std::string& words, int cword) {
  std::string program = "source '" + script_path + "'\nCOMP_WORDS=(" + words +
                        ")\nCOMP_CWORD=" + std::to_string(cword) +
                        "\n_tailor\nfor w in \"${COMPREPLY[@]}\"; do echo \"$w\"; done\n";
  RunResult r = run({"/bin/bash", "--norc", "--noprofile", "-c", program});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return r.out;
}

}  // namespace

TEST_CASE("completion") {
  std::set<std::string> commands = help_subcommands();
  REQUIRE(commands.count("completion") == 1);

  SUBCASE("bash script is valid bash and lists every command of --help") {
    RunResult r = run_tailor({"completion", "bash"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("complete -o default -F _tailor tailor") != std::string::npos);
    auto script = fresh_dir("bash") / "tailor.bash";
    write_text(script, r.out);
    RunResult syntax = run({"/bin/bash", "-n", script.string()});
    CHECK_MESSAGE(syntax.exit_code == 0, syntax.err);

    std::string top = bash_complete(script.string(), "tailor ''", 1);
    for (const auto& name : commands) CHECK_MESSAGE(top.find(name + "\n") != std::string::npos, name);
    CHECK(top.find("--help\n") != std::string::npos);
    CHECK(top.find("--version\n") != std::string::npos);
  }

  SUBCASE("bash completes a prefix and the options of the command being typed") {
    auto script = fresh_dir("bash-prefix") / "tailor.bash";
    write_text(script, run_tailor({"completion", "bash"}).out);
    CHECK(bash_complete(script.string(), "tailor compl", 1) == "completion\n");
    // Inside `completion`, only its own options are offered, not the top-level commands.
    std::string inside = bash_complete(script.string(), "tailor completion -", 2);
    CHECK(inside.find("--help\n") != std::string::npos);
    CHECK(inside.find("--version") == std::string::npos);
    CHECK(inside.find("completion") == std::string::npos);
    // Global flags before the command do not hide it.
    CHECK(bash_complete(script.string(), "tailor -q compl", 2) == "completion\n");
    // After an option that takes a value nothing is offered (bash falls back to file names),
    // and the value is not mistaken for a command.
    if (commands.count("eval") == 1) {
      CHECK(bash_complete(script.string(), "tailor eval --os ''", 3).empty());
      CHECK(bash_complete(script.string(), "tailor eval --os linux --ar", 4) == "--arch\n");
    }
  }

  SUBCASE("zsh script declares itself and describes every command") {
    RunResult r = run_tailor({"completion", "zsh"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind("#compdef tailor\n", 0) == 0);
    for (const auto& name : commands) {
      CHECK_MESSAGE(r.out.find(" '" + name + ":") != std::string::npos, name);
    }
    CHECK(r.out.find("'completion:Print a shell completion script (bash, zsh or fish)'") != std::string::npos);
    CHECK(r.out.find("_describe -t commands 'tailor' entries || _files") != std::string::npos);
  }

  SUBCASE("fish script completes every command under the right condition") {
    RunResult r = run_tailor({"completion", "fish"});
    REQUIRE(r.exit_code == 0);
    for (const auto& name : commands) {
      CHECK_MESSAGE(r.out.find("complete -c tailor -n 'test (__tailor_node) = \\'tailor\\'' -f -a '" + name + "'") !=
                        std::string::npos,
                    name);
    }
    CHECK(r.out.find("complete -c tailor -n 'test (__tailor_node) = \\'tailor completion\\'' -s 'h' -l 'help'") !=
          std::string::npos);
  }

  SUBCASE("output is the same on every run") {
    CHECK(run_tailor({"completion", "bash"}).out == run_tailor({"completion", "bash"}).out);
  }

  SUBCASE("an unknown shell is a usage error naming the supported ones") {
    RunResult r = run_tailor({"completion", "powershell"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("unknown shell 'powershell' (supported: bash, zsh, fish)") != std::string::npos);
  }

  SUBCASE("the shell argument is required") {
    RunResult r = run_tailor({"completion"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("shell") != std::string::npos);
  }
}
