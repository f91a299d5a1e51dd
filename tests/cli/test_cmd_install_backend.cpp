// `tailor install TOOL` for a backend recipe (docs/planning.md, "At install time: smoke check, fallback, receipt"): the
// [verify.backend] smoke check runs after install; under auto a failing check removes that build and installs the next
// rung; --strict-gpu fails instead; receipt.json records the choice. Builds are real archives served by a real HTTPS
// server; each build's llama-cli passes or fails its check on purpose.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <sstream>

#include "backend_env.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

TEST_CASE("install_with_backend") {
  SUBCASE("auto with a passing CUDA check keeps CUDA and writes the receipt") {
    BackendEnv env({{"cuda", "CUDA0: NVIDIA GeForce RTX 4090"}, {"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
    auto r = env.install();
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    auto receipt = env.receipt();
    CHECK(receipt["requested_backend"] == "auto");
    CHECK(receipt["backend"] == "cuda");
    CHECK(receipt["rejected"].empty());
    CHECK(receipt["facts"]["gpu"] == "nvidia");
    CHECK(receipt["facts"]["gpu_driver"] == "580.65.06");
    CHECK(receipt["facts"]["os"] == "linux");
    CHECK(receipt["facts"]["arch"] == "amd64");
    CHECK(receipt["plan_sha256"].get<std::string>().size() == 64);
    CHECK(env.run_cli("--version").find("(cuda)") != std::string::npos);
  }

  SUBCASE("auto: a failing CUDA check falls back to Vulkan, printed and recorded") {
    BackendEnv env({{"cuda", ""}, {"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
    auto r = env.install();
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("falling back from cuda to vulkan") != std::string::npos);
    auto receipt = env.receipt();
    CHECK(receipt["backend"] == "vulkan");
    REQUIRE(receipt["rejected"].size() == 1);
    CHECK(receipt["rejected"][0]["backend"] == "cuda");
    CHECK(receipt["rejected"][0]["reason"].get<std::string>().find("smoke check failed") != std::string::npos);
    CHECK(env.run_cli("--version").find("(vulkan)") != std::string::npos);
  }

  SUBCASE("a fallback sends a backend.fallback event to the hooks") {
    BackendEnv env({{"cuda", ""}, {"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
    fs::path log = env.dir / "events.log";
    write_text(env.home / "hooks" / "record",
               "#!/bin/sh\ncat >> '" + log.string() + "'\necho >> '" + log.string() + "'\n");
    ::chmod((env.home / "hooks" / "record").c_str(), 0755);
    auto r = env.install();
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    bool found = false;
    std::istringstream lines(read_text(log));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      auto event = ordered_json::parse(line);
      if (event["type"] != "backend.fallback") continue;
      found = true;
      CHECK(event["from_backend"] == "cuda");
      CHECK(event["backend"] == "vulkan");
    }
    CHECK(found);
  }

  SUBCASE("installing again keeps the installed build and its receipt") {
    BackendEnv env({{"cuda", ""}, {"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
    REQUIRE(env.install().exit_code == 0);
    auto again = env.install();
    INFO(combined(again));
    CHECK(again.exit_code == 0);
    CHECK(env.receipt()["backend"] == "vulkan");
    CHECK(env.run_cli("--version").find("(vulkan)") != std::string::npos);
  }

  SUBCASE("auto: CUDA and Vulkan both fail, CPU is installed") {
    BackendEnv env({{"cuda", ""}, {"vulkan", "no devices"}, {"cpu", "CPU"}});
    auto r = env.install();
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("falling back from cuda to vulkan") != std::string::npos);
    CHECK(r.err.find("falling back from vulkan to cpu") != std::string::npos);
    auto receipt = env.receipt();
    CHECK(receipt["backend"] == "cpu");
    REQUIRE(receipt["rejected"].size() == 2);
    CHECK(receipt["rejected"][1]["backend"] == "vulkan");
    CHECK(receipt["rejected"][1]["reason"].get<std::string>().find("does not contain 'Vulkan'") != std::string::npos);
    CHECK(env.run_cli("--version").find("(cpu)") != std::string::npos);
  }

  SUBCASE("--strict-gpu: a failing check fails with exit 6 and nothing stays") {
    BackendEnv env({{"cuda", ""}, {"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
    auto r = env.install({"--strict-gpu"});
    INFO(combined(r));
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("smoke check") != std::string::npos);
    CHECK_FALSE(fs::exists(env.tool_dir()));
    CHECK_FALSE(fs::exists(env.home / "bin" / "llama-cli"));
  }

  SUBCASE("an explicit backend never falls back") {
    BackendEnv env({{"cuda", ""}, {"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
    auto r = env.install({"--backend", "cuda"});
    INFO(combined(r));
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("no fallback") != std::string::npos);
    CHECK_FALSE(fs::exists(env.tool_dir()));
  }

  SUBCASE("auto: every rung failing is an install error naming them") {
    BackendEnv env({{"cuda", ""}, {"vulkan", ""}, {"cpu", ""}});
    auto r = env.install();
    INFO(combined(r));
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("rejected: cuda, vulkan, cpu") != std::string::npos);
    CHECK_FALSE(fs::exists(env.tool_dir()));
  }
}

TEST_CASE("install_with_backend: auto installs the first rung of each vendor's ladder") {
  // Every build passes its check, so the receipt shows the ladder's choice for the facts file.
  const std::vector<std::pair<std::string, std::string>> all = {
      {"cuda", "CUDA0: GPU"},     {"rocm", "ROCm0: gfx1100"},   {"sycl", "SYCL0: Arc A770"},
      {"vulkan", "Vulkan0: GPU"}, {"metal", "Metal: Apple M3"}, {"cpu", "CPU"}};
  struct Case {
    std::string facts, backend;
  };
  for (const Case& c :
       {Case{"amd.json", "rocm"}, Case{"intel.json", "sycl"}, Case{"none.json", "cpu"}, Case{"apple.json", "metal"}}) {
    CAPTURE(c.facts);
    BackendEnv env(all);
    env.use_facts(c.facts);
    auto r = env.install();
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("llamalike: backend " + c.backend + " (receipt: ") != std::string::npos);
    CHECK(r.err.find("backend ladder:\n") != std::string::npos);
    CHECK(r.err.find("  " + c.backend + ": chosen (") != std::string::npos);
    auto receipt = env.receipt();
    CHECK(receipt["requested_backend"] == "auto");
    CHECK(receipt["backend"] == c.backend);
    CHECK(receipt["rejected"].empty());
    CHECK(env.state_backend() == c.backend);
    CHECK(env.run_cli("--version").find("(" + c.backend + ")") != std::string::npos);
  }
}
