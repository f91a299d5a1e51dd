// The `placed` actions (install/steps_placed.cpp) on real files in a version directory: shell
// init fragments from a file or a real child process, program files copied to the data
// directory, and the paths and programs they refuse.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <sstream>

#include "install/steps.hpp"
#include "support/scratch.hpp"

using namespace tailor;
namespace fs = std::filesystem;

namespace {

plan::PlanStep step_of(std::string action, nlohmann::json params) {
  plan::PlanStep step;
  step.action = std::move(action);
  step.params = std::move(params);
  return step;
}

struct Placed {
  std::ostringstream errors;
  util::Output output;
  install::PlacedContext ctx;

  Placed() {
    output.err = &errors;
    fs::path root = test::fresh_dir("placed");
    ctx.version_dir = root / "tools" / "tool-1.0";
    ctx.data_dir = root / "data" / "tool";
    ctx.tool = "tool";
    ctx.version = "1.0";
    ctx.output = &output;
    fs::create_directories(ctx.version_dir / "bin");
  }

  void script(const std::string& relative, const std::string& body) const {
    test::write_text(ctx.version_dir / relative, "#!/bin/sh\n" + body);
    fs::permissions(ctx.version_dir / relative, fs::perms::owner_all);
  }
  fs::path fragment(const std::string& target, const std::string& shell) const {
    return install::shell_fragment(ctx.version_dir, target, shell);
  }
};

}  // namespace

TEST_CASE("install_shell_init") {
  Placed p;
  // stderr goes to tailor's stderr, never into the fragment.
  p.script("bin/tool", "[ \"$1\" = init ] || exit 9\necho \"# $2 init from $PWD\"\necho noise >&2\n");

  SUBCASE("source_command: one fragment per shell, bash and zsh by default, the tool's own path") {
    REQUIRE(install::run_placed_step(
        step_of("install_shell_init", {{"source_command", "tool init {shell}"}, {"target", "tool"}}), p.ctx));
    CHECK(test::read_text(p.fragment("tool", "bash")) == "# bash init from " + p.ctx.version_dir.string() + "\n");
    CHECK(test::read_text(p.fragment("tool", "zsh")) == "# zsh init from " + p.ctx.version_dir.string() + "\n");
    CHECK_FALSE(fs::exists(p.fragment("tool", "fish")));
    CHECK(test::mode_of(p.fragment("tool", "bash")) == 0644);
  }

  SUBCASE("{install_dir} names the version directory") {
    REQUIRE(install::run_placed_step(
        step_of("install_shell_init",
                {{"source_command", "{install_dir}/bin/tool init {shell}"}, {"target", "t"}, {"shells", {"fish"}}}),
        p.ctx));
    CHECK(test::read_text(p.fragment("t", "fish")).starts_with("# fish init"));
  }

  SUBCASE("a shell whose command fails gets no fragment, and the one the release shipped goes") {
    p.script("bin/tool", "[ \"$2\" = zsh ] && exit 3\necho \"# $2\"\n");
    test::write_text(p.fragment("tool", "zsh"), "echo planted\n");
    REQUIRE(install::run_placed_step(
        step_of("install_shell_init", {{"source_command", "tool init {shell}"}, {"target", "tool"}}), p.ctx));
    CHECK(test::read_text(p.fragment("tool", "bash")) == "# bash\n");
    CHECK_FALSE(fs::exists(p.fragment("tool", "zsh")));
    CHECK(p.errors.str().find("warning: tool@1.0: no zsh init: `tool init zsh` failed (it exited with 3)") !=
          std::string::npos);
  }

  SUBCASE("source_file, {shell} in its path") {
    fs::create_directories(p.ctx.version_dir / "share");
    test::write_text(p.ctx.version_dir / "share" / "init.bash", "export FROM_FILE=1\n");
    REQUIRE(install::run_placed_step(
        step_of("install_shell_init", {{"source_file", "share/init.{shell}"}, {"target", "x"}, {"shells", {"bash"}}}),
        p.ctx));
    CHECK(test::read_text(p.fragment("x", "bash")) == "export FROM_FILE=1\n");
  }

  SUBCASE("refused: a program outside the version directory, a link out, a bad target, two sources") {
    auto refused = [&](nlohmann::json params, const std::string& why) {
      CAPTURE(params.dump());
      Status st = install::run_placed_step(step_of("install_shell_init", std::move(params)), p.ctx);
      REQUIRE_FALSE(st);
      CHECK(st.error().kind == ErrorKind::install);
      CHECK(st.error().message.find(why) != std::string::npos);
    };
    refused({{"source_command", "/bin/echo hi"}, {"target", "t"}}, "is outside");
    fs::create_symlink("/bin/echo", p.ctx.version_dir / "bin" / "echo");
    refused({{"source_command", "echo hi"}, {"target", "t"}}, "is outside");
    refused({{"source_command", "missing {shell}"}, {"target", "t"}}, "is not in");
    fs::create_symlink("/etc/hostname", p.ctx.version_dir / "init.bash");
    refused({{"source_file", "init.bash"}, {"target", "t"}, {"shells", {"bash"}}}, "init.bash");
    refused({{"source_file", "../x"}, {"target", "t"}}, "..");
    refused({{"source_command", "tool init {shell}"}, {"target", "../up"}}, "is not a file name");
    refused({{"source_command", "tool"}, {"source_file", "x"}, {"target", "t"}}, "exactly one");
    refused({{"source_command", "tool"}, {"target", "t"}, {"shells", {"tcsh"}}}, "unsupported shell 'tcsh'");
    CHECK_FALSE(fs::exists(p.ctx.version_dir / ".tailor" / "shell" / "t.bash"));
  }
}

TEST_CASE("install_program_files") {
  Placed p;
  p.script("bin/tool-exec", "echo exec\n");
  fs::create_directories(p.ctx.version_dir / "share");
  test::write_text(p.ctx.version_dir / "share" / "tool.sh", "tool() { :; }\n");
  ::chmod((p.ctx.version_dir / "share" / "tool.sh").c_str(), 0666);
  const nlohmann::json params = {{"files", {"bin/tool-exec", "share/tool.sh"}}};

  SUBCASE("copies by base name; the mode follows the execute bit alone; user files stay") {
    fs::create_directories(p.ctx.data_dir);
    test::write_text(p.ctx.data_dir / "user-data", "mine\n");
    test::write_text(p.ctx.data_dir / "tool.sh", "old\n");
    REQUIRE(install::run_placed_step(step_of("install_program_files", params), p.ctx));
    CHECK(test::read_text(p.ctx.data_dir / "tool-exec") == "#!/bin/sh\necho exec\n");
    CHECK(test::mode_of(p.ctx.data_dir / "tool-exec") == 0755);
    CHECK(test::read_text(p.ctx.data_dir / "tool.sh") == "tool() { :; }\n");
    CHECK(test::mode_of(p.ctx.data_dir / "tool.sh") == 0644);
    CHECK(test::read_text(p.ctx.data_dir / "user-data") == "mine\n");
    CHECK_FALSE(fs::exists(p.ctx.data_dir / ".tool.sh.tailor-new"));
  }

  SUBCASE("a link out of the tree and a directory are refused") {
    fs::create_symlink("/etc/hostname", p.ctx.version_dir / "share" / "link");
    Status st = install::run_placed_step(step_of("install_program_files", {{"files", {"share/link"}}}), p.ctx);
    REQUIRE_FALSE(st);
    CHECK(st.error().message.find("share/link") != std::string::npos);
    st = install::run_placed_step(step_of("install_program_files", {{"files", {"share"}}}), p.ctx);
    REQUIRE_FALSE(st);
    CHECK_FALSE(fs::exists(p.ctx.data_dir / "share"));
    CHECK_FALSE(fs::exists(p.ctx.data_dir / "link"));
    st = install::run_placed_step(step_of("install_program_files", {{"files", {"../x"}}}), p.ctx);
    REQUIRE_FALSE(st);
    CHECK(st.error().message == "install_program_files: '../x' is not a relative path to a file");
  }

  SUBCASE("the names a recorded plan gives its files, which removal deletes") {
    nlohmann::json plan = {{"steps",
                            {{{"action", "install_binaries"}, {"params", {{"binaries", {"bin/tool"}}}}},
                             {{"action", "install_program_files"}, {"params", params}},
                             {{"action", "install_program_files"}, {"params", {{"files", {"../x", "a/"}}}}}}}};
    CHECK(install::placed_program_files(plan) == std::vector<std::string>{"tool-exec", "tool.sh"});
  }
}
