// golden regenerate/check with release snapshots (testdata/releases beside the golden
// directory): tags and assets as upstream names them, and a check that fails on a URL the
// snapshot does not list (docs/planning.md, "Golden files").
#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scratch.hpp"

using namespace tailor;

namespace {

struct SnapshotTree {
  std::filesystem::path dir, recipes, golden, file;
};

// A project layout: recipes/, golden/ and testdata/releases/o/tool.json side by side.
SnapshotTree make_tree(const std::string& name) {
  SnapshotTree t;
  t.dir = test::fresh_dir(name);
  t.recipes = t.dir / "recipes";
  t.golden = t.dir / "golden";
  std::filesystem::create_directories(t.golden / "plans");
  test::write_text(t.recipes / "tool.toml", R"([metadata]
name = "tool"
supported_os = ["linux"]
supported_arch = ["amd64"]
[verify]
command = "tool --version"
[[steps]]
action = "github_archive"
repo = "o/tool"
asset_pattern = "tool-{version}-*-linux.tar.gz"
binaries = ["tool"]
)");
  test::write_text(t.dir / "testdata" / "releases" / "o" / "tool.json", R"([{"_source": "test fixture",
    "tag_name": "v1.2.0", "html_url": "https://github.com/o/tool/releases/tag/v1.2.0",
    "assets": [{"name": "tool-1.2.0-x86_64-linux.tar.gz"}]}])");
  t.file = t.golden / "plans" / "tool" / "v1.2.0-linux-amd64.json";
  return t;
}

test::RunResult golden(const SnapshotTree& t, const std::string& verb, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"golden",           verb,       "tool",           "--registry",
                                t.recipes.string(), "--golden", t.golden.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_tailor(args);
}

}  // namespace

TEST_CASE("golden regenerate takes the tag and the wildcard asset from the release snapshot") {
  auto t = make_tree("golden-snapshot-regen");
  auto r = golden(t, "regenerate", {"--version", "1.2.0"});
  REQUIRE_MESSAGE(r.exit_code == 0, std::string(r.out + r.err));
  auto plan = nlohmann::json::parse(test::read_text(t.file));
  // The version stays 1.2.0; the URL uses the listed tag v1.2.0, not a guess from the version.
  CHECK(plan["version"] == "1.2.0");
  CHECK(plan["steps"][0]["url"] == "https://github.com/o/tool/releases/download/v1.2.0/tool-1.2.0-x86_64-linux.tar.gz");
  auto check = golden(t, "check");
  CHECK_MESSAGE(check.exit_code == 0, std::string(check.out + check.err));
}

TEST_CASE("golden check fails on a URL its release snapshot does not list") {
  auto t = make_tree("golden-snapshot-check");
  REQUIRE(golden(t, "regenerate", {"--version", "1.2.0"}).exit_code == 0);
  const std::string good = test::read_text(t.file);
  const std::string right = "/download/v1.2.0/";

  SUBCASE("a wrong tag (the bare version)") {
    std::string text = good;
    for (auto at = text.find(right); at != std::string::npos; at = text.find(right)) {
      text.replace(at, right.size(), "/download/1.2.0/");
    }
    test::write_text(t.file, text);
    auto r = golden(t, "check");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("UNPUBLISHED tool/v1.2.0-linux-amd64.json: https://github.com/o/tool/releases/download/1.2.0/"
                     "tool-1.2.0-x86_64-linux.tar.gz: release 1.2.0 of o/tool is not in its snapshot (it has "
                     "v1.2.0)") != std::string::npos);
  }
  SUBCASE("an asset the release does not publish") {
    std::string text = good;
    const std::string asset = "x86_64-linux";
    for (auto at = text.find(asset); at != std::string::npos; at = text.find(asset)) {
      text.replace(at, asset.size(), "aarch64-linux");
    }
    test::write_text(t.file, text);
    auto r = golden(t, "check");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("release v1.2.0 of o/tool publishes no asset named tool-1.2.0-aarch64-linux.tar.gz") !=
          std::string::npos);
  }
  SUBCASE("a repository without a snapshot") {
    std::filesystem::remove(t.dir / "testdata" / "releases" / "o" / "tool.json");
    auto r = golden(t, "check");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("no release snapshot of o/tool") != std::string::npos);
  }
  SUBCASE("--releases names another directory") {
    const auto other = t.dir / "other";
    test::write_text(other / "o" / "tool.json", R"([{"tag_name": "v1.2.0", "assets": []}])");
    auto r = golden(t, "check", {"--releases", other.string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("publishes no asset named tool-1.2.0-x86_64-linux.tar.gz") != std::string::npos);
  }
}

TEST_CASE("a snapshot holding another repository's release is refused") {
  auto t = make_tree("golden-snapshot-foreign");
  test::write_text(t.dir / "testdata" / "releases" / "o" / "tool.json",
                   R"([{"tag_name": "v1.2.0", "html_url": "https://github.com/x/other/releases/tag/v1.2.0",
                        "assets": []}])");
  auto r = golden(t, "check");
  CHECK(r.exit_code == 10);
  CHECK(r.err.find("a release of x/other in the snapshot of o/tool") != std::string::npos);
}
