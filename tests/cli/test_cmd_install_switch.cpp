// Switching the backend of an installed version (`tailor install TOOL --backend cpu` over a
// vulkan build; docs/install.md, the section of that name; issue 7): the new build is verified and smoke-checked beside
// the old one, which stays installed and in use until then; a failing check or a SIGKILL at any
// point before the commit leaves the old build working and recorded.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <thread>

#include "backend_env.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

namespace {

// Nothing of a switch is left over: no staged or previous build beside the tool, tmp/ empty.
void check_no_leftovers(const BackendEnv& env) {
  for (const auto& entry : fs::directory_iterator(env.home / "tools")) {
    CHECK_MESSAGE(entry.path().filename().string().front() != '.', entry.path().string());
  }
  CHECK(fs::is_empty(env.home / "tmp"));
}

}  // namespace

TEST_CASE("install_with_backend switches an installed build") {
  SUBCASE("--backend cpu over a vulkan build installs the cpu build and records it") {
    BackendEnv env({{"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
    REQUIRE(env.install({"--backend", "vulkan"}).exit_code == 0);
    REQUIRE(env.run_cli("--version").find("(vulkan)") != std::string::npos);
    auto r = env.install({"--backend", "cpu"});
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("switching from the vulkan build to cpu") != std::string::npos);
    CHECK(r.err.find("switched from vulkan to cpu") != std::string::npos);
    CHECK(r.out.find("llamalike@1.0.0") != std::string::npos);
    CHECK(env.run_cli("--version").find("(cpu)") != std::string::npos);
    CHECK(env.receipt()["backend"] == "cpu");
    CHECK(env.receipt()["requested_backend"] == "cpu");
    CHECK(env.state_backend() == "cpu");
    check_no_leftovers(env);

    SUBCASE("the same backend again is skipped and keeps the receipt") {
      auto receipt = read_text(env.tool_dir() / ".tailor" / "receipt.json");
      auto again = env.install({"--backend", "cpu"});
      INFO(combined(again));
      CHECK(again.exit_code == 0);
      CHECK(again.err.find("llamalike@1.0.0 is already installed") != std::string::npos);
      CHECK(again.err.find("switching") == std::string::npos);
      CHECK(read_text(env.tool_dir() / ".tailor" / "receipt.json") == receipt);
    }
  }

  SUBCASE("an explicit backend whose build fails its smoke check keeps the old build") {
    BackendEnv env({{"vulkan", "Vulkan0: RTX 4090"}, {"cpu", ""}});
    REQUIRE(env.install({"--backend", "vulkan"}).exit_code == 0);
    auto receipt = read_text(env.tool_dir() / ".tailor" / "receipt.json");
    auto r = env.install({"--backend", "cpu"});
    INFO(combined(r));
    CHECK(r.exit_code == 6);
    CHECK(r.err.find(
              "the cpu build failed its smoke check; the installed build was kept (explicit backend, no fallback)") !=
          std::string::npos);
    CHECK(env.run_cli("--version").find("(vulkan)") != std::string::npos);
    CHECK(read_text(env.tool_dir() / ".tailor" / "receipt.json") == receipt);
    CHECK(env.state_backend() == "vulkan");
    check_no_leftovers(env);
  }

  SUBCASE("auto over a cpu build: CUDA fails beside it, Vulkan passes and is switched in") {
    BackendEnv env({{"cuda", ""}, {"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
    REQUIRE(env.install({"--backend", "cpu"}).exit_code == 0);
    auto r = env.install();
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("the cuda build failed its smoke check; the installed build was kept") != std::string::npos);
    CHECK(r.err.find("falling back from cuda to vulkan") != std::string::npos);
    CHECK(env.run_cli("--version").find("(vulkan)") != std::string::npos);
    auto receipt = env.receipt();
    CHECK(receipt["requested_backend"] == "auto");
    CHECK(receipt["backend"] == "vulkan");
    REQUIRE(receipt["rejected"].size() == 1);
    CHECK(receipt["rejected"][0]["backend"] == "cuda");
    CHECK(env.state_backend() == "vulkan");
    check_no_leftovers(env);
  }
}

TEST_CASE("install_with_backend: a switch killed mid-way leaves the old backend working") {
  // Each kill point gets its own server and home.
  for (std::string point : {"before_extract", "during_extract", "before_rename", "before_swap", "before_state"}) {
    CAPTURE(point);
    BackendEnv env({{"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
    REQUIRE(env.install({"--backend", "vulkan"}).exit_code == 0);

    RunOptions paused = env.options;
    fs::path marker = env.dir / ("paused-" + point);
    paused.env["TAILOR_TEST_PAUSE_AT"] = point;
    paused.env["TAILOR_TEST_PAUSE_MARKER"] = marker.string();
    Child child = spawn_tailor(
        {"install", "llamalike@1.0.0", "--registry", (env.dir / "registry").string(), "--backend", "cpu"}, paused);
    // Polls for the marker for up to 30 s: generous for a loaded 2-core machine; no timing is asserted.
    for (int i = 0; i < 600 && !fs::exists(marker); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(fs::exists(marker));
    ::kill(child.pid, SIGKILL);
    CHECK(child.wait().exit_code == -SIGKILL);

    // Before any recovery: state.json names vulkan and the state's build is what bin/ runs,
    // except after the swap, where the next tailor puts the recorded build back (below).
    CHECK(env.state_backend() == "vulkan");
    if (point != "before_state") {
      CHECK(env.run_cli("--version").find("(vulkan)") != std::string::npos);
      CHECK(env.receipt()["backend"] == "vulkan");
    }

    // Any tailor run that takes the install lock recovers first: the vulkan build is back.
    auto recovered = run_tailor({"remove", "no-such-tool"}, env.options);
    INFO(combined(recovered));
    if (point == "before_state") {
      CHECK(recovered.err.find("restored the vulkan build of llamalike@1.0.0 after an interrupted backend switch") !=
            std::string::npos);
    }
    CHECK(env.run_cli("--version").find("(vulkan)") != std::string::npos);
    CHECK(env.receipt()["backend"] == "vulkan");
    CHECK(env.state_backend() == "vulkan");
    check_no_leftovers(env);

    // The next run completes the switch.
    auto r = env.install({"--backend", "cpu"});
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(env.run_cli("--version").find("(cpu)") != std::string::npos);
    CHECK(env.receipt()["backend"] == "cpu");
    CHECK(env.state_backend() == "cpu");
    check_no_leftovers(env);
  }
}
