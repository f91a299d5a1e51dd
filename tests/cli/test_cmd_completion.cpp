// `tailor completion`: scripts generated from the command model, checked by running them.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
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
std::string bash_complete(const std::string& script_path, const std::string& words, int cword,
                          const RunOptions& options = {}) {
  std::string program = "source '" + script_path + "'\nCOMP_WORDS=(" + words +
                        ")\nCOMP_CWORD=" + std::to_string(cword) +
                        "\n_tailor\nfor w in \"${COMPREPLY[@]}\"; do echo \"$w\"; done\n";
  RunResult r = run({"/bin/bash", "--norc", "--noprofile", "-c", program}, options);
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
    CHECK(r.out.find("_describe -t commands 'tailor' entries && ret=0\n  ((ret)) && _files\n") != std::string::npos);
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

// Issue 20 ("Completions"): the scripts complete what only tailor knows — recipe names
// (embedded and local), installed tools, --backend values, GPU vendors and config keys — by
// calling the hidden `tailor __complete KIND` of the tailor being completed.
TEST_CASE("completion of recipes, installed tools, backends, GPU vendors and config keys") {
  HttpsServer server;
  std::filesystem::path home = fresh_dir("complete-home");
  RunOptions options = local_install_env(server, home);
  options.unset_env = {"TAILOR_RECIPES"};
  write_text(home / "recipes" / "zz-local-tool.toml", "[metadata]\nname = \"zz-local-tool\"\n");
  ToolRelease hello = make_tool_release("hello", "1.0.0");
  server.add("/" + hello.file_name(), hello.bytes);
  auto plan = fresh_dir("complete-plans") / "hello.json";
  write_text(plan, make_tool_plan(hello, server.url("/" + hello.file_name())).dump(2));
  REQUIRE(run_tailor({"install", "--plan", plan.string()}, options).exit_code == 0);

  SUBCASE("tailor __complete lists each kind, hidden from --help") {
    auto recipes = run_tailor({"__complete", "recipes"}, options);
    CHECK(recipes.exit_code == 0);
    CHECK(recipes.out.find("ripgrep\n") != std::string::npos);        // embedded
    CHECK(recipes.out.find("zz-local-tool\n") != std::string::npos);  // $TAILOR_HOME/recipes
    CHECK(run_tailor({"__complete", "installed"}, options).out == "hello\n");
    CHECK(run_tailor({"__complete", "gpu-vendors", "n"}, options).out == "nvidia\nnone\n");
    CHECK(run_tailor({"__complete", "backends", "cu"}, options).out == "cuda\n");
    CHECK(run_tailor({"__complete", "shells"}, options).out == "bash\nzsh\nfish\nposix\n");
    CHECK(run_tailor({"__complete", "config-keys", "llm."}, options).out.find("llm.backend\n") != std::string::npos);
    auto bad = run_tailor({"__complete", "colours"}, options);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("unknown completion kind 'colours'") != std::string::npos);
    CHECK(run_tailor({"--help"}).out.find("__complete") == std::string::npos);
    CHECK(run_tailor({"completion", "bash"}).out.find("'__complete'") == std::string::npos);
  }

  SUBCASE("bash: complete -p, then compgen through the function") {
    auto script = fresh_dir("bash-dynamic") / "tailor.bash";
    write_text(script, run_tailor({"completion", "bash"}).out);
    RunResult registered =
        run({"/bin/bash", "--norc", "--noprofile", "-c", "source '" + script.string() + "'\ncomplete -p tailor\n"});
    CHECK(registered.out == "complete -o default -F _tailor tailor\n");
    // The first word is how the user ran tailor; the script asks that same program.
    const std::string bin = "'" + tailor_binary() + "'";
    CHECK(bash_complete(script.string(), bin + " install ripgr", 2, options) == "ripgrep\n");
    CHECK(bash_complete(script.string(), bin + " install zz-", 2, options) == "zz-local-tool\n");
    CHECK(bash_complete(script.string(), bin + " install ripgrep zz-", 3, options) == "zz-local-tool\n");
    CHECK(bash_complete(script.string(), bin + " info ripgr", 2, options) == "ripgrep\n");
    CHECK(bash_complete(script.string(), bin + " info ripgrep ''", 3, options).find("ripgrep") == std::string::npos);
    CHECK(bash_complete(script.string(), bin + " remove he", 2, options) == "hello\n");
    CHECK(bash_complete(script.string(), bin + " verify ''", 2, options).find("hello\n") != std::string::npos);
    CHECK(bash_complete(script.string(), bin + " plan ripgrep --backend cu", 4, options) == "cuda\n");
    CHECK(bash_complete(script.string(), bin + " eval --gpu nv", 3, options) == "nvidia\n");
    CHECK(bash_complete(script.string(), bin + " shellenv --shell f", 3, options) == "fish\n");
    CHECK(bash_complete(script.string(), bin + " config get llm.back", 3, options) == "llm.backend\n");
    // Options are still completed where arguments are, and values of other options are files.
    CHECK(bash_complete(script.string(), bin + " install --dry", 2, options) == "--dry-run\n");
    CHECK(bash_complete(script.string(), bin + " install --registry ''", 3, options).empty());
  }

  SUBCASE("zsh and fish ask the same command") {
    auto zsh = run_tailor({"completion", "zsh"});
    CHECK(zsh.out.find("__complete $dynamic") != std::string::npos);
    CHECK(zsh.out.find("('tailor install') dynamic='recipes' ;;") != std::string::npos);
    CHECK(zsh.out.find("('--backend') dynamic='backends' ;;") != std::string::npos);
    auto fish = run_tailor({"completion", "fish"});
    CHECK(fish.out.find("complete -c tailor -n 'test (__tailor_node) = \\'tailor install\\'' -f -a "
                        "'(__tailor_complete recipes)'") != std::string::npos);
    CHECK(fish.out.find("-l 'backend' -x -a '(__tailor_complete backends)'") != std::string::npos);
    CHECK(fish.out.find("-l 'gpu' -x -a '(__tailor_complete gpu-vendors)'") != std::string::npos);
    CHECK(fish.out.find("-l 'shell' -x -a '(__tailor_complete shells)'") != std::string::npos);
  }
}
