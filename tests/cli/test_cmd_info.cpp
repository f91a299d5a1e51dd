#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "backend_env.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"
#include "support/sysroot.hpp"

using namespace tailor;

namespace {

std::vector<std::string> info_args(const std::string& sysroot, std::vector<std::string> extra) {
  std::vector<std::string> args{"info",    "--registry", test::testdata("recipes/valid").string(), "--sysroot", sysroot,
                                "--probe", "none"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("tailor info") {
  const std::string root = test::make_sysroot("nvidia-consumer-intel-igpu").string();

  SUBCASE("a backend recipe on an NVIDIA machine with driver 570") {
    auto r = test::run_tailor(info_args(root, {"gpu-infer", "--json"}));
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["name"] == "gpu-infer");
    CHECK(doc["homepage"] == "https://gpu-infer.example.org/");
    CHECK(doc["platforms"] == nlohmann::json::array({"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"}));
    CHECK(doc["supported_here"] == true);
    CHECK(doc["backend_recipe"] == true);
    CHECK(doc["steps"][0]["applies"] == true);   // cuda, driver >=570
    CHECK(doc["steps"][3]["applies"] == false);  // metal on linux
    CHECK(doc["backends_here"] == nlohmann::json::array({"cuda", "vulkan", "cpu"}));
    CHECK(doc["backends_elsewhere"] == nlohmann::json::array({"rocm"}));  // an NVIDIA GPU cannot run it
    CHECK(doc["source"] == (test::testdata("recipes/valid") / "gpu-infer.toml").string());
    CHECK_FALSE(doc.contains("installed"));
  }
  SUBCASE("an older driver takes the CUDA step out") {
    auto r = test::run_tailor(info_args(root, {"gpu-infer", "--json", "--gpu-driver", "535.183.01"}));
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["steps"][0]["applies"] == false);
    CHECK(doc["backends_here"] == nlohmann::json::array({"vulkan", "cpu"}));
    CHECK(doc["backends_elsewhere"] == nlohmann::json::array({"cuda", "rocm"}));
  }
  SUBCASE("text output for people") {
    auto r = test::run_tailor(info_args(root, {"sysdep", "--linux-family", "alpine", "--libc", "musl"}));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("sysdep - A library installed from the system package manager\n") == 0);
    CHECK(r.out.find("    1. apt_install: skipped here\n") != std::string::npos);
    CHECK(r.out.find("    4. apk_install: applies\n") != std::string::npos);
    CHECK(r.out.find("backends here") == std::string::npos);
  }
  SUBCASE("an unknown recipe") {
    auto r = test::run_tailor(info_args(root, {"no-such-tool"}));
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("no recipe named 'no-such-tool'") != std::string::npos);
  }
}

TEST_CASE("tailor info shows the receipt of an installed backend tool") {
  // CUDA fails its smoke check and auto falls back to Vulkan: the receipt has a rejected rung.
  test::BackendEnv env({{"cuda", ""}, {"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
  auto installed = env.install();
  INFO(test::combined(installed));
  REQUIRE(installed.exit_code == 0);
  const std::string plan_sha = env.receipt()["plan_sha256"].get<std::string>();
  std::vector<std::string> args = {"info", "llamalike", "--registry", (env.dir / "registry").string()};

  SUBCASE("--json carries the receipt under installed") {
    args.push_back("--json");
    auto r = test::run_tailor(args, env.options);
    INFO(test::combined(r));
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["installed"]["version"] == "1.0.0");
    const auto& receipt = doc["installed"]["receipt"];
    CHECK(receipt["requested_backend"] == "auto");
    CHECK(receipt["backend"] == "vulkan");
    REQUIRE(receipt["rejected"].size() == 1);
    CHECK(receipt["rejected"][0]["backend"] == "cuda");
    CHECK(receipt["rejected"][0]["reason"].get<std::string>().find("smoke check failed") == 0);
    CHECK(receipt["plan_sha256"] == plan_sha);
  }
  SUBCASE("text names the chosen and requested backend, each rejected rung and the plan checksum") {
    auto r = test::run_tailor(args, env.options);
    INFO(test::combined(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("  installed:  llamalike@1.0.0\n    backend:   vulkan (requested auto)\n") != std::string::npos);
    CHECK(r.out.find("    rejected:  cuda: smoke check failed: smoke check 'llama-cli --list-devices' exited with 1") !=
          std::string::npos);
    CHECK(r.out.find("    facts:     linux/amd64, gpu nvidia (driver 580.65.06)\n") != std::string::npos);
    CHECK(r.out.find("    plan sha256: " + plan_sha + "\n") != std::string::npos);
  }
  SUBCASE("after a switch the receipt names the new backend") {
    REQUIRE(env.install({"--backend", "cpu"}).exit_code == 0);
    args.push_back("--json");
    auto r = test::run_tailor(args, env.options);
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["installed"]["receipt"]["requested_backend"] == "cpu");
    CHECK(doc["installed"]["receipt"]["backend"] == "cpu");
    CHECK(doc["installed"]["receipt"]["rejected"].empty());
  }
}
