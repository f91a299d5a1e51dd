#include <doctest/doctest.h>

#include "app/shellenv.hpp"
#include "support/scratch.hpp"

using namespace tailor;

TEST_CASE("parse_shell and shell_from_env") {
  CHECK(app::parse_shell("fish").value() == app::Shell::fish);
  CHECK(app::parse_shell("posix").value() == app::Shell::posix);
  auto bad = app::parse_shell("zhs");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::usage);
  CHECK(bad.error().message.find("did you mean 'zsh'") != std::string::npos);
  CHECK(app::shell_from_env("/usr/bin/zsh") == app::Shell::zsh);
  CHECK(app::shell_from_env("/bin/bash") == app::Shell::bash);
  CHECK(app::shell_from_env("/usr/local/bin/fish") == app::Shell::fish);
  CHECK(app::shell_from_env("/bin/dash") == app::Shell::posix);
  CHECK(app::shell_from_env("") == app::Shell::posix);
}

TEST_CASE("shellenv_script") {
  std::vector<app::ToolVariable> vars{{"t", "A", "it's $HOME"}};
  SUBCASE("sh family: PATH only when missing, values literal") {
    std::string script = app::shellenv_script(app::Shell::bash, "/h/bin", vars);
    CHECK(script ==
          "case \":${PATH}:\" in\n  *:'/h/bin':*) ;;\n  *) PATH='/h/bin'\"${PATH:+:${PATH}}\"; export PATH ;;\nesac\n"
          "export A='it'\\''s $HOME'\n");
  }
  SUBCASE("fish") {
    std::string script = app::shellenv_script(app::Shell::fish, "/h/bin", vars);
    CHECK(script ==
          "if not contains -- '/h/bin' $PATH\n    set -gx PATH '/h/bin' $PATH\nend\nset -gx A 'it\\'s $HOME'\n");
  }
}

TEST_CASE("installed_variables") {
  install::Layout layout{"/h"};
  install::State state;
  auto step = [](nlohmann::json vars) { return nlohmann::json{{"action", "set_env"}, {"params", {{"vars", vars}}}}; };
  install::InstalledTool tool;
  tool.active_version = "2.0";
  tool.versions["1.0"].plan = {{"steps", {step(nlohmann::json::array({{{"name", "OLD"}, {"value", "x"}}}))}}};
  tool.versions["2.0"].plan = {
      {"steps",
       {{{"action", "chmod"}, {"params", nlohmann::json::object()}},
        step(nlohmann::json::array({{{"name", "T_HOME"}, {"value", "{install_dir}/share"}}, "T_MODE=fast"})),
        step(
            nlohmann::json::array({{{"name", "bad name"}, {"value", "x"}}, {{"name", "PATH"}, {"value", "/evil"}}}))}}};
  state.installed["t"] = tool;
  auto vars = app::installed_variables(layout, state);
  REQUIRE(vars.size() == 2);
  CHECK(vars[0].name == "T_HOME");
  CHECK(vars[0].value == "/h/tools/t-2.0/share");
  CHECK(vars[1].name == "T_MODE");
  CHECK(vars[1].value == "fast");
}
