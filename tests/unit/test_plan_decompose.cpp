// Decomposition shapes, omission rules and quirks of docs/actions.md, "Decompositions", and docs/plan-format.md.
#include <doctest/doctest.h>

#include "plan/planner.hpp"
#include "support/plan_doubles.hpp"
#include "support/scratch.hpp"
#include "support/targets.hpp"
#include "util/canonical_json.hpp"

using namespace tailor;
using nlohmann::ordered_json;

namespace {

struct Case {
  std::filesystem::path dir = test::fresh_dir("decompose");
  std::unique_ptr<recipe::Registry> registry;
  test::FakeDownloader downloader;
  test::FakeResolver resolver;

  Result<plan::PlanOutcome> eval(const std::string& toml,
                                 plan::Target target = test::target_of("linux", "amd64", "debian", "glibc", "none"),
                                 bool with_downloader = false) {
    test::write_text(dir / "t" / "tool.toml", toml);
    registry = std::make_unique<recipe::Registry>(recipe::RegistryOptions{{dir}, false});
    resolver.add("tool", "1.2.3", "v1.2.3");
    plan::PlanServices services{registry.get(), with_downloader ? &downloader : nullptr, &resolver};
    plan::PlanRequest request;
    request.tool = "tool";
    request.target = std::move(target);
    request.for_golden = true;
    return plan::generate_plan(request, services);
  }
};

// A version source, so the resolver double is asked (recipes without one plan as "dev").
const char* k_head =
    "[metadata]\nname = \"tool\"\ndescription = \"d\"\n[verify]\ncommand = \"tool --version\"\n"
    "[version]\ngithub_repo = \"o/tool\"\n";

}  // namespace

TEST_CASE("decompose github_archive") {
  Case c;
  SUBCASE("chmod is always emitted and github URLs use the tag") {
    auto outcome = c.eval(std::string(k_head) +
                          "[[steps]]\naction = \"github_archive\"\nrepo = \"o/tool\"\n"
                          "asset_pattern = \"tool-{version}-{os}-{arch}.tar.gz\"\nbinaries = [\"tool\"]\n"
                          "arch_mapping = { amd64 = \"x86_64\" }\n");
    REQUIRE(outcome.has_value());
    const auto steps = test::json_of(*outcome)["steps"];
    REQUIRE(steps.size() == 4);
    CHECK(steps[0]["params"]["url"] ==
          "https://github.com/o/tool/releases/download/v1.2.3/tool-1.2.3-linux-x86_64.tar.gz");
    CHECK(steps[1]["params"] ==
          ordered_json{{"archive", "tool-1.2.3-linux-x86_64.tar.gz"}, {"format", "tar.gz"}, {"strip_dirs", 0}});
    CHECK(steps[2]["params"]["files"] == ordered_json::array({"tool"}));
    CHECK(steps[3]["params"]["install_mode"] == "binaries");
  }
  SUBCASE("[quirk] a binaries array with no source gives chmod files null") {
    auto outcome = c.eval(std::string(k_head) +
                          "[[steps]]\naction = \"github_archive\"\nrepo = \"o/tool\"\n"
                          "asset_pattern = \"tool.zip\"\nbinaries = [{ dest = \"x\" }]\n");
    REQUIRE(outcome.has_value());
    CHECK(test::json_of(*outcome)["steps"][2]["params"]["files"].is_null());
  }
  SUBCASE("wildcards resolve against the release listing in its order") {
    c.resolver.add_assets("o/tool", "v1.2.3",
                          {"tool-1.2.3.sha256", "tool-1.2.3-linux-amd64.tar.gz", "tool-1.2.3-linux-arm64.tar.gz"});
    auto outcome = c.eval(std::string(k_head) +
                          "[[steps]]\naction = \"github_archive\"\nrepo = \"o/tool\"\n"
                          "asset_pattern = \"tool-*-{os}-{arch}.tar.gz\"\nbinaries = [\"tool\"]\n");
    REQUIRE(outcome.has_value());
    CHECK(test::json_of(*outcome)["steps"][0]["params"]["dest"] == "tool-1.2.3-linux-amd64.tar.gz");
  }
}

TEST_CASE("decompose github_file") {
  Case c;
  auto outcome = c.eval(std::string(k_head) +
                        "[[steps]]\naction = \"github_file\"\nrepo = \"o/tool\"\n"
                        "asset_pattern = \"tool_{os}\"\nbinary = \"tool\"\n");
  REQUIRE(outcome.has_value());
  const auto steps = test::json_of(*outcome)["steps"];
  REQUIRE(steps.size() == 3);
  CHECK(steps[1]["action"] == "chmod");
  CHECK(steps[2]["params"] == ordered_json{{"binaries", ordered_json::array({"tool"})}});
}

TEST_CASE("decompose download_archive") {
  Case c;
  SUBCASE("no chmod without sources; binaries null in directory mode") {
    auto outcome = c.eval(std::string(k_head) +
                          "[[steps]]\naction = \"download_archive\"\n"
                          "url = \"https://x.org/tool-{version}.tar.xz\"\ninstall_mode = \"Directory\"\n");
    REQUIRE(outcome.has_value());
    const auto steps = test::json_of(*outcome)["steps"];
    REQUIRE(steps.size() == 3);
    CHECK(steps[1]["params"]["format"] == "tar.xz");
    CHECK(steps[2]["params"]["binaries"].is_null());
    CHECK(steps[2]["params"]["install_mode"] == "directory");
  }
  SUBCASE("checksum and size come from the downloader; size omitted when zero") {
    c.downloader.add("https://x.org/tool-1.2.3.zip", std::string(64, 'e'), 77);
    auto outcome = c.eval(std::string(k_head) +
                              "[[steps]]\naction = \"download_archive\"\n"
                              "url = \"https://x.org/tool-{version}.zip\"\nbinaries = [\"tool\"]\n",
                          test::target_of("linux", "amd64", "debian", "glibc", "none"), true);
    REQUIRE(outcome.has_value());
    const auto step = test::json_of(*outcome)["steps"][0];
    CHECK(step["checksum"] == std::string(64, 'e'));
    CHECK(step["size"] == 77);
    CHECK(step["params"]["checksum_algo"] == "sha256");
  }
  SUBCASE("an unknown archive format asks for archive_format") {
    auto outcome = c.eval(std::string(k_head) +
                          "[[steps]]\naction = \"download_archive\"\n"
                          "url = \"https://x.org/tool.bin\"\nbinaries = [\"tool\"]\n");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message.find("archive_format") != std::string::npos);
  }
}

TEST_CASE("decompose apply_patch") {
  Case c;
  SUBCASE("[quirk] an integer strip is ignored") {
    auto outcome = c.eval(std::string(k_head) + "[[steps]]\naction = \"apply_patch\"\ndata = \"--- a\"\nstrip = 3\n");
    REQUIRE(outcome.has_value());
    CHECK(test::json_of(*outcome)["steps"][0]["params"] ==
          ordered_json{{"data", "--- a"}, {"strip", 1}, {"subdir", ""}});
  }
  SUBCASE("a float strip is honoured") {
    auto outcome = c.eval(std::string(k_head) + "[[steps]]\naction = \"apply_patch\"\ndata = \"--- a\"\nstrip = 2.0\n");
    REQUIRE(outcome.has_value());
    CHECK(test::json_of(*outcome)["steps"][0]["params"]["strip"] == 2);
  }
}

TEST_CASE("generate_plan omission rules") {
  Case c;
  SUBCASE("steps null when nothing matches; recipe_type and binaries rules") {
    auto outcome = c.eval(
        "[metadata]\nname = \"tool\"\ntype = \"library\"\nbinaries = [\"bin/x\"]\n"
        "[[steps]]\naction = \"install_libraries\"\npatterns = [\"*.so\"]\nwhen = { os = [\"darwin\"] }\n");
    REQUIRE(outcome.has_value());
    CHECK(test::json_of(*outcome)["steps"].is_null());
    CHECK(test::json_of(*outcome)["recipe_type"] == "library");
    CHECK_FALSE(test::json_of(*outcome).contains("binaries"));
    CHECK_FALSE(test::json_of(*outcome).contains("verify"));
  }
  SUBCASE("non-composite params expand version and mapped os, keep mappings and unknown placeholders") {
    auto outcome = c.eval(std::string(k_head) +
                          "[[steps]]\naction = \"set_env\"\nvars = { HOME_X = \"{install_dir}/{version}-{os}\" }\n"
                          "os_mapping = { linux = \"Linux\" }\nextra = 1.5\n");
    REQUIRE(outcome.has_value());
    const auto step = test::json_of(*outcome)["steps"][0];
    CHECK(step["params"]["vars"]["HOME_X"] == "{install_dir}/1.2.3-Linux");
    CHECK(step["params"]["os_mapping"]["linux"] == "Linux");
    CHECK(util::canonical_json(step["params"]["extra"]) == "1.5\n");
    CHECK(step["evaluable"] == true);
  }
  SUBCASE("system steps are filtered by their implicit family; linux_family recorded") {
    std::string toml = std::string(k_head) +
                       "[[steps]]\naction = \"apt_install\"\npackages = [\"a\"]\n"
                       "[[steps]]\naction = \"dnf_install\"\npackages = [\"b\"]\n";
    auto rhel = c.eval(toml, test::target_of("linux", "amd64", "rhel", "glibc", "none"));
    REQUIRE(rhel.has_value());
    REQUIRE(test::json_of(*rhel)["steps"].size() == 1);
    CHECK(test::json_of(*rhel)["steps"][0]["action"] == "dnf_install");
    CHECK(test::json_of(*rhel)["platform"]["linux_family"] == "rhel");
    CHECK(test::json_of(*rhel)["deterministic"] == false);
  }
  SUBCASE("an unsupported platform is refused with the reason") {
    auto outcome = c.eval(
        "[metadata]\nname = \"tool\"\nsupported_os = [\"darwin\"]\nunsupported_reason = \"macOS only\"\n"
        "[[steps]]\naction = \"chmod\"\nfiles = [\"x\"]\n[verify]\ncommand = \"x\"\n");
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().message.find("not available for linux/amd64") != std::string::npos);
    CHECK(outcome.error().message.find("macOS only") != std::string::npos);
  }
}

TEST_CASE("generate_plan dependencies") {
  Case c;
  SUBCASE("cmake_build pulls its toolchain sorted; missing recipes are warned about with the chain") {
    auto outcome = c.eval(std::string(k_head) + "[[steps]]\naction = \"cmake_build\"\nsource_dir = \"src\"\n");
    REQUIRE(outcome.has_value());
    CHECK_FALSE(test::json_of(*outcome).contains("dependencies"));
    int warnings = 0;
    for (const auto& w : outcome->warnings) warnings += w.find("(required by tool -> ") != std::string::npos;
    CHECK(warnings == 4);  // cmake, make, pkg-config, zig
  }
  SUBCASE("step dependencies = [] remove the action's implicit ones") {
    auto outcome =
        c.eval(std::string(k_head) + "[[steps]]\naction = \"cmake_build\"\nsource_dir = \"src\"\ndependencies = []\n");
    REQUIRE(outcome.has_value());
    CHECK(outcome->warnings.size() == 1);  // only "cannot be deterministically reproduced"
  }
}
