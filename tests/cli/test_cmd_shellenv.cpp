// `tailor shellenv` evaluated by real shells after a real install: the tool runs by name, PATH
// holds tailor's bin/ once however often the lines are evaluated, set_env values arrive.
#include <doctest/doctest.h>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/install_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

size_t count_of(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("shellenv puts an installed tool on PATH, idempotently") {
  HttpsServer server;
  fs::path home = fresh_dir("shellenv-home");
  fs::path dir = fresh_dir("shellenv");
  RunOptions options = local_install_env(server, home);
  ToolRelease release = make_tool_release("hello", "1.0.0");
  server.add("/" + release.file_name(), release.bytes);
  ordered_json plan = make_tool_plan(release, server.url("/" + release.file_name()));
  plan["steps"].push_back({{"action", "set_env"},
                           {"phase", "post-install"},
                           {"params", {{"vars", {{{"name", "HELLO_HOME"}, {"value", "{install_dir}"}}}}}},
                           {"evaluable", true},
                           {"deterministic", true}});
  write_text(dir / "plan.json", plan.dump());
  auto installed = run_tailor({"install", "--plan", (dir / "plan.json").string()}, options);
  INFO(installed.err);
  REQUIRE(installed.exit_code == 0);

  options.env["PATH"] = "/usr/bin:/bin";
  options.env["TAILOR"] = tailor_binary();
  fs::path bin = home / "bin";

  SUBCASE("bash, twice, --shell and $SHELL alike") {
    options.env["SHELL"] = "/bin/bash";
    auto r = run({"/bin/bash", "-c",
                  "eval \"$(\"$TAILOR\" shellenv --shell bash)\" && eval \"$(\"$TAILOR\" shellenv)\" && "
                  "echo \"PATH=$PATH\" && echo \"HELLO_HOME=$HELLO_HOME\" && hello --version"},
                 options);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("PATH=" + bin.string() + ":/usr/bin:/bin\n") != std::string::npos);
    CHECK(count_of(r.out, bin.string()) == 1);
    CHECK(r.out.find("HELLO_HOME=" + (home / "tools" / "hello-1.0.0").string() + "\n") != std::string::npos);
    CHECK(r.out.find("hello 1.0.0") != std::string::npos);
  }

  SUBCASE("posix sh with an empty PATH gets no stray ':'") {
    auto r = run({"/bin/sh", "-c",
                  "PATH= ; eval \"$(\"$TAILOR\" shellenv --shell posix)\"; eval \"$(\"$TAILOR\" shellenv --shell "
                  "posix)\"; echo \"PATH=$PATH\""},
                 options);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "PATH=" + bin.string() + "\n");
  }

  SUBCASE("fish lines") {
    auto r = run_tailor({"shellenv", "--shell", "fish"}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("if not contains -- '" + bin.string() + "' $PATH\n"));
    CHECK(r.out.find("set -gx HELLO_HOME '" + (home / "tools" / "hello-1.0.0").string() + "'\n") != std::string::npos);
  }

  SUBCASE("a damaged state.json still gives PATH, with a warning") {
    write_text(home / "state.json", "{not json");
    auto r = run({"/bin/bash", "-c", "eval \"$(\"$TAILOR\" shellenv --shell bash)\" && hello --version"}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "hello 1.0.0\n");
    CHECK(r.err.starts_with("warning: the set_env values of installed tools are left out: "));
  }

  SUBCASE("an unknown shell is a usage error") {
    auto r = run_tailor({"shellenv", "--shell", "zhs"}, options);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "error: unknown shell 'zhs' (did you mean 'zsh'?); --shell takes one of bash, zsh, fish, posix\n");
  }
}
