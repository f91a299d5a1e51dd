// eval, plan and golden driven through the real binary, offline, with saved facts.
#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/scratch.hpp"

using namespace tailor;

namespace {

const std::string k_registry = test::testdata("plan/recipes").string();
const std::string k_golden = test::testdata("plan/golden").string();

std::string facts(const std::string& name) { return test::testdata("plan/facts/" + name + ".json").string(); }
std::string lock(const std::string& file) { return k_golden + "/plans/llamalike/" + file; }

}  // namespace

TEST_CASE("tailor eval") {
  SUBCASE("an NVIDIA facts file plans CUDA with the GPU stack, offline from its lock") {
    auto r = test::run_tailor({"eval", "llamalike", "--registry", k_registry, "--facts", facts("nvidia-drv575"),
                               "--offline", "--pin-from", lock("vb5000-linux-amd64-gpu-nvidia-drv570.json")});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("\"backend\": \"cuda\"") != std::string::npos);
    CHECK(r.out.find("llamalike-b5000-cuda-12.8-x64.tar.gz") != std::string::npos);
    CHECK(r.out.find("\"tool\": \"cuda-runtime\"") != std::string::npos);
    CHECK(r.out.find("\"tool\": \"nvidia-driver\"") != std::string::npos);
    CHECK(r.out.find("\"storage_version\": 1") != std::string::npos);
  }
  SUBCASE("llm.backend=cpu from the config wins over auto; --backend wins over the config") {
    test::RunOptions options;
    options.env["TAILOR_HOME"] = test::fresh_dir("home-cpu").string();
    test::write_text(options.env["TAILOR_HOME"] + "/config.toml", "[llm]\nbackend = \"cpu\"\n");
    auto cpu = test::run_tailor({"eval", "llamalike", "--registry", k_registry, "--facts", facts("nvidia-drv580"),
                                 "--offline", "--pin-from", lock("vb5000-linux-amd64-gpu-none.json")},
                                options);
    REQUIRE_MESSAGE(cpu.exit_code == 0, cpu.err);
    CHECK(cpu.out.find("\"backend\": \"cpu\"") != std::string::npos);
    auto vulkan =
        test::run_tailor({"plan", "llamalike", "--registry", k_registry, "--facts", facts("nvidia-drv580"), "--backend",
                          "vulkan", "--offline", "--pin-from", lock("vb5000-linux-amd64-gpu-nvidia-drv569.json")},
                         options);
    REQUIRE_MESSAGE(vulkan.exit_code == 0, vulkan.err);
    CHECK(vulkan.out.find("backend: vulkan") != std::string::npos);
    CHECK(vulkan.out.find("- vulkan-loader@") != std::string::npos);
  }
  SUBCASE("an explicit CUDA backend on a machine without NVIDIA fails before downloading") {
    auto r = test::run_tailor(
        {"eval", "llamalike", "--registry", k_registry, "--facts", facts("none"), "--backend", "cuda"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("needs an NVIDIA GPU") != std::string::npos);
    CHECK(r.out.empty());
  }
  SUBCASE("plan --explain prints every rung with its reason") {
    auto r =
        test::run_tailor({"plan", "llamalike", "--registry", k_registry, "--facts", facts("nvidia-drv535"), "--explain",
                          "--offline", "--pin-from", lock("vb5000-linux-amd64-gpu-nvidia-drv569.json")});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("cuda: rejected (driver 535.183.01 is older than 570)") != std::string::npos);
    CHECK(r.out.find("vulkan: chosen") != std::string::npos);
    CHECK(r.out.find("cpu: not tried") != std::string::npos);
  }
  SUBCASE("a foreign Linux target without --gpu is a usage error naming the flag") {
    auto r = test::run_tailor({"eval", "llamalike", "--registry", k_registry, "--os", "linux", "--arch", "amd64",
                               "--linux-family", "debian", "--facts", facts("apple"), "--offline"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--gpu") != std::string::npos);
  }
  SUBCASE("--offline names the artifact the lock does not cover") {
    auto r = test::run_tailor({"eval", "llamalike", "--registry", k_registry, "--facts", facts("amd"), "--offline",
                               "--pin-from", lock("vb5000-linux-amd64-gpu-none.json")});
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("llamalike-b5000-rocm-x64.tar.gz is not in the lock") != std::string::npos);
  }
  SUBCASE("--offline without a lock: the version is not resolved, so nothing is planned from 'dev'") {
    for (const char* command : {"eval", "plan"}) {
      auto r = test::run_tailor({command, "llamalike", "--registry", k_registry, "--facts", facts("amd"), "--offline"});
      INFO(command, r.err);
      CHECK(r.exit_code == 5);
      CHECK(r.err ==
            "error: cannot resolve the latest version of llamalike with GitHub releases of "
            "example-org/llamalike: offline and the version is not pinned (pin it with --pin-from PLAN.json)\n");
      CHECK(r.out.empty());
    }
  }
  SUBCASE("an unknown tool suggests the closest name") {
    auto r = test::run_tailor({"eval", "llamalik", "--registry", k_registry, "--facts", facts("none"), "--offline"});
    CHECK(r.exit_code == 3);
  }
}

TEST_CASE("tailor golden") {
  auto dir = test::fresh_dir("golden-cli");
  std::filesystem::copy(k_golden, dir / "golden", std::filesystem::copy_options::recursive);
  std::filesystem::copy(k_registry, dir / "recipes", std::filesystem::copy_options::recursive);
  auto check = [&] {
    return test::run_tailor({"golden", "check", "llamalike", "--registry", (dir / "recipes").string(), "--golden",
                             (dir / "golden").string()});
  };
  auto ok = check();
  REQUIRE_MESSAGE(ok.exit_code == 0, std::string(ok.out + ok.err));
  CHECK(ok.out.find("9 files checked, 0 problems") != std::string::npos);

  std::string recipe = test::read_text(dir / "recipes" / "llamalike.toml");
  const std::string sycl = "-sycl-x64.tar.gz\"\nstrip_dirs = 1";
  auto at = recipe.find(sycl);
  REQUIRE(at != std::string::npos);
  recipe.replace(at, sycl.size(), "-sycl-x64.tar.gz\"\nstrip_dirs = 2");
  test::write_text(dir / "recipes" / "llamalike.toml", recipe);
  auto bad = check();
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("MISMATCH llamalike/vb5000-linux-amd64-gpu-intel.json") != std::string::npos);
  CHECK(bad.out.find("-        \"strip_dirs\": 1") != std::string::npos);
  CHECK(bad.out.find("+        \"strip_dirs\": 2") != std::string::npos);

  auto regen = test::run_tailor({"golden", "regenerate", "llamalike", "--registry", (dir / "recipes").string(),
                                 "--golden", (dir / "golden").string(), "--unhashed"});
  REQUIRE_MESSAGE(regen.exit_code == 0, std::string(regen.out + regen.err));
  CHECK(check().exit_code == 0);
}

TEST_CASE("tailor golden regenerate --listing") {
  auto dir = test::fresh_dir("golden-listing");
  const auto recipes = dir / "recipes";
  const auto golden = dir / "golden";
  std::filesystem::create_directories(golden / "plans");
  test::write_text(recipes / "ghtool.toml", R"([metadata]
name = "ghtool"
supported_os = ["linux"]
supported_arch = ["amd64"]
[verify]
command = "ghtool --version"
[version]
github_repo = "o/ghtool"
[[steps]]
action = "github_archive"
repo = "o/ghtool"
asset_pattern = "ghtool-{version}-linux-*-{arch}.tar.gz"
arch_mapping = { amd64 = "x64" }
binaries = ["ghtool"]
)");
  auto regenerate = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"golden",   "regenerate",    "ghtool",    "--registry", recipes.string(),
                                  "--golden", golden.string(), "--version", "b100"};
    args.insert(args.end(), extra.begin(), extra.end());
    return test::run_tailor(args);
  };
  const auto file = golden / "plans" / "ghtool" / "vb100-linux-amd64.json";

  SUBCASE("without a listing the wildcard asset cannot be named offline") {
    auto r = regenerate({"--unhashed"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("needs the release listing") != std::string::npos);
  }
  SUBCASE("a saved listing names the asset; the file stays unhashed and checks as its own lock") {
    test::write_text(dir / "listing.json", R"({"url": "https://api.github.com/repos/o/ghtool/releases/1",
      "tag_name": "b100", "assets": [{"name": "ghtool-b100-darwin-arm64.tar.gz"},
      {"name": "ghtool-b100-linux-gnu-x64.tar.gz"}]})");
    auto r = regenerate({"--listing", (dir / "listing.json").string()});
    REQUIRE_MESSAGE(r.exit_code == 0, std::string(r.out + r.err));
    REQUIRE(std::filesystem::exists(file));
    auto plan = nlohmann::json::parse(test::read_text(file));
    CHECK(plan["steps"][0]["url"] ==
          "https://github.com/o/ghtool/releases/download/b100/ghtool-b100-linux-gnu-x64.tar.gz");
    CHECK_FALSE(plan["steps"][0].contains("checksum"));
    auto check =
        test::run_tailor({"golden", "check", "ghtool", "--registry", recipes.string(), "--golden", golden.string()});
    CHECK_MESSAGE(check.exit_code == 0, std::string(check.out + check.err));
  }
  SUBCASE("a listing of another repository answers nothing") {
    test::write_text(dir / "other.json", R"({"url": "https://api.github.com/repos/x/other/releases/1",
      "tag_name": "b100", "assets": [{"name": "ghtool-b100-linux-gnu-x64.tar.gz"}]})");
    auto r = regenerate({"--listing", (dir / "other.json").string()});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("no release listing for b100 of o/ghtool") != std::string::npos);
  }
  SUBCASE("a file that is not a listing is refused") {
    test::write_text(dir / "bad.json", R"({"assets": []})");
    auto r = regenerate({"--listing", (dir / "bad.json").string()});
    CHECK(r.exit_code == 10);
    CHECK(r.err.find("tag_name") != std::string::npos);
  }
  SUBCASE("existing golden files stay byte-identical") {
    std::filesystem::copy(k_golden, golden,
                          std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
    test::write_text(dir / "listing.json", R"({"tag_name": "b5000", "assets": []})");
    auto r = test::run_tailor({"golden", "regenerate", "llamalike", "--registry", k_registry, "--golden",
                               golden.string(), "--listing", (dir / "listing.json").string()});
    REQUIRE_MESSAGE(r.exit_code == 0, std::string(r.out + r.err));
    for (const auto& entry : std::filesystem::directory_iterator(golden / "plans" / "llamalike")) {
      INFO(entry.path().string());
      CHECK(test::read_text(entry.path()) ==
            test::read_text(std::filesystem::path(k_golden) / "plans" / "llamalike" / entry.path().filename()));
    }
  }
}
