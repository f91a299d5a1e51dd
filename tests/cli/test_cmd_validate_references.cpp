// `tailor validate` checks what a recipe refers to (issue 20, "validate"): every `{placeholder}`
// of a templated field is one tailor expands, and every dependency resolves in the validated
// paths, --registry, the local recipe directories, the embedded recipes or the configured
// central registry (from its cached index: validate never goes to the network).
#include <doctest/doctest.h>

#include <string>

#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

namespace {

// The url is on line 10 when `metadata_extra` is one line or empty.
std::string recipe(const std::string& name, const std::string& url, const std::string& metadata_extra = "",
                   const std::string& step_extra = "",
                   const std::string& checksum_url = "https://x.example.org/{version}/SHA256SUMS") {
  return "[metadata]\nname = \"" + name + "\"\ndescription = \"The " + name + " tool\"\n" + metadata_extra +
         "\n[version]\ngithub_repo = \"t/" + name + "\"\n\n[[steps]]\naction = \"download\"\nurl = \"" + url +
         "\"\nchecksum_url = \"" + checksum_url + "\"\n" + step_extra + "\n[verify]\ncommand = \"" + name +
         " --version\"\npattern = \"{version}\"\n";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("validate: unknown placeholders") {
  fs::path dir = fresh_dir("placeholders");
  RunOptions options;
  options.env["TAILOR_HOME"] = fresh_dir("home").string();

  SUBCASE("a misspelt placeholder is an error at its own column, with the likely name") {
    // Line 10 is the url; its value starts at column 7, the brace 22 characters after the quote.
    write_text(dir / "typo.toml", recipe("typo", "https://x.example.org/{versoin}/typo-{os}"));
    auto r = run_tailor({"validate", (dir / "typo.toml").string()}, options);
    CHECK(r.exit_code == 1);
    CHECK(r.out == (dir / "typo.toml").string() +
                       ":10:30: error: steps[0].url: unknown placeholder {versoin} (did you mean {version}?)\n"
                       "Invalid recipe: typo (1 error, 0 warnings)\n");
  }
  SUBCASE("checked in every templated parameter and in verify patterns") {
    write_text(dir / "more.toml", recipe("more", "https://x.example.org/{version}/more-{os}-{arch}", "",
                                         "fallback_urls = [\"https://mirror.example.org/{version}/more-{os}-{ach}\"]\n",
                                         "https://x.example.org/{version}/{checksums}"));
    auto r = run_tailor({"validate", (dir / "more.toml").string()}, options);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out,
                   "steps[0].checksum_url: unknown placeholder {checksums} (known: {version}, "
                   "{version_tag}, {os}, {arch}, {install_dir}, {work_dir}, {libs_dir}, {backend_device})"));
    CHECK(contains(r.out, "steps[0].fallback_urls[0]: unknown placeholder {ach} (did you mean {arch}?)"));
    CHECK(contains(r.out, "(2 errors,"));
  }
  SUBCASE("known placeholders, their families, shell variables and double braces pass") {
    write_text(dir / "fine.toml", recipe("fine", "https://x.example.org/{version_tag}/{version.build}/fine-{os}-{arch}",
                                         "", "dest = \"fine-${HOME}-{{linux_family}}\"\n"));
    auto r = run_tailor({"validate", (dir / "fine.toml").string()}, options);
    INFO(r.out);
    CHECK_FALSE(contains(r.out, "placeholder"));
  }
  SUBCASE("{shell} is known in the steps that write shell files, and only there") {
    write_text(dir / "init.toml",
               recipe("init", "https://x.example.org/{version}/init-{shell}", "",
                      "\n[[steps]]\naction = \"install_shell_init\"\nsource_command = \"init hook {shell}\"\n"
                      "target = \"init\"\n"));
    auto r = run_tailor({"validate", (dir / "init.toml").string()}, options);
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, "steps[0].url: unknown placeholder {shell}"));
    CHECK_FALSE(contains(r.out, "steps[1]"));
    CHECK(contains(r.out, "(1 error,"));
  }
}

TEST_CASE("validate: dependencies that resolve nowhere") {
  fs::path root = fresh_dir("deps");
  write_text(root / "reg" / "libfoo.toml", recipe("libfoo", "https://x.example.org/{version}/libfoo"));
  write_text(root / "src" / "app.toml",
             recipe("app", "https://x.example.org/{version}/app", "dependencies = [\"libfoo\", \"nosuch\"]\n",
                    "dependencies = [\"libfo\"]\n"));
  const std::string app = (root / "src" / "app.toml").string();
  RunOptions options;
  options.env["TAILOR_HOME"] = fresh_dir("home").string();
  options.unset_env = {"TAILOR_RECIPES"};

  SUBCASE("with --registry: install dependencies and step dependencies are checked too") {
    auto r = run_tailor({"validate", "--registry", (root / "reg").string(), app}, options);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out,
                   "app.toml:4:27: error: metadata.dependencies[1]: dependency 'nosuch' does not resolve to "
                   "an installable recipe (searched the validated paths, --registry or TAILOR_RECIPES, "
                   "$TAILOR_HOME/recipes, the embedded recipes and the central registry's cached index)\n"));
    CHECK(contains(r.out, "steps[0].dependencies[0]: dependency 'libfo' does not resolve to an installable recipe"));
    CHECK(contains(r.out, "; did you mean 'libfoo'?"));
    CHECK_FALSE(contains(r.out, "dependency 'libfoo'"));
    CHECK(contains(r.out, "(2 errors,"));
  }
  SUBCASE("without --registry the registry's recipe does not resolve either") {
    auto r = run_tailor({"validate", app}, options);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, "metadata.dependencies[0]: dependency 'libfoo' does not resolve"));
  }
  SUBCASE("a name the configured central registry lists resolves") {
    write_text(root / "central" / "recipes.json",
               R"({"schema_version": 1, "generated_at": "2026-12-01T00:00:00Z", "recipes": [)"
               R"({"name": "nosuch", "description": "published centrally"},)"
               R"({"name": "libfo", "description": "published centrally"}]})");
    RunOptions central = options;
    central.env["TAILOR_REGISTRY_URL"] = (root / "central").string();
    central.env["TAILOR_MANIFEST_URL"] = (root / "central" / "recipes.json").string();
    auto r = run_tailor({"validate", "--registry", (root / "reg").string(), app}, central);
    INFO(r.out, r.err);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(contains(r.out, "does not resolve"));
  }
}
