// `tailor install NAME` with a recipe of the project's own registry, end to end: version,
// plan, download through a [[mirrors]] entry that points the release host at a local HTTPS
// server, extraction, verify, the backend smoke check and the receipt.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

namespace {

// A llama.cpp CPU release as upstream lays it out: llama-bNNNN/ with the executables. The
// fake llama-cli answers the recipe's verify and its backend smoke check.
std::string llama_release(const std::string& tag, const std::string& devices) {
  std::string cli = "#!/bin/sh\ncase \"$1\" in\n  --version) echo \"version: " + tag.substr(1) +
                    " (0000000)\";;\n  --list-devices) printf 'Available devices:\\n" + devices + "';;\nesac\n";
  std::vector<ArchiveEntry> entries{file_entry("llama-" + tag + "/llama-cli", cli, 0755)};
  for (const char* tool : {"llama-server", "llama-bench", "llama-quantize"}) {
    entries.push_back(file_entry("llama-" + tag + "/" + tool, std::string("#!/bin/sh\necho ") + tool + "\n", 0755));
  }
  return build_archive_bytes("tar.gz", entries);
}

// A llama.cpp CUDA 13 release: the build, whose fake llama-cli lists a CUDA device only when the
// runtime libraries sit beside it (where the real executables' $ORIGIN run path finds them),
// and its runtime companion, which unpacks to a top folder of its own name.
std::pair<std::string, std::string> llama_cuda_release(const std::string& tag, const std::string& companion_dir) {
  std::string cli =
      "#!/bin/sh\nhere=$(dirname \"$(readlink -f \"$0\")\")\ncase \"$1\" in\n  --version) echo \"version: " +
      tag.substr(1) +
      " (0000000)\";;\n  --list-devices) echo 'Available devices:'; [ -f \"$here/libcudart.so.13\" ] && "
      "echo '  CUDA0: NVIDIA H100 80GB HBM3';;\nesac\nexit 0\n";
  std::vector<ArchiveEntry> build{file_entry("llama-" + tag + "/llama-cli", cli, 0755),
                                  file_entry("llama-" + tag + "/libggml-cuda.so", "not really ELF\n", 0644)};
  for (const char* tool : {"llama-server", "llama-bench", "llama-quantize"}) {
    build.push_back(file_entry("llama-" + tag + "/" + tool, std::string("#!/bin/sh\necho ") + tool + "\n", 0755));
  }
  std::vector<ArchiveEntry> runtime;
  for (const char* lib : {"libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13"}) {
    runtime.push_back(file_entry(companion_dir + "/" + lib, std::string("runtime library ") + lib + "\n", 0644));
  }
  return {build_archive_bytes("tar.gz", build), build_archive_bytes("tar.gz", runtime)};
}

struct MirrorEnv {
  fs::path home = fresh_dir("home");
  fs::path dir = fresh_dir("work");
  RunOptions options;

  MirrorEnv(const HttpsServer& server, const std::string& gpu) {
    fs::create_directories(home);
    write_text(home / "config.toml",
               "[[mirrors]]\nname = \"local\"\n"
               "prefix = \"https://github.com/ggml-org/llama.cpp/releases/download/\"\n"
               "url = \"" +
                   server.url("/llama/") + "\"\n");
    fs::permissions(home / "config.toml", fs::perms::owner_read | fs::perms::owner_write);
    write_text(dir / "facts.json", R"({"facts_version": 1, "os": "linux", "arch": "amd64", "linux_family": "debian",
 "libc": "glibc", "gpu": ")" + gpu + R"(", "gpu_driver": "", "vulkan": "loader-only"})");
    fs::create_directories(dir / "sysroot");
    // The GitHub API is the local server too: install resolves every version it installs.
    options.env = {{"TAILOR_HOME", home.string()},
                   {"TAILOR_GITHUB_API", server.base_url()},
                   {"TAILOR_CA_BUNDLE", server.ca_file().string()},
                   {"TAILOR_SYSROOT", (dir / "sysroot").string()},
                   {"TAILOR_FACTS", (dir / "facts.json").string()},
                   {"CI", "1"}};
    options.unset_env = {"TAILOR_BACKEND", "GITHUB_TOKEN"};
    options.timeout_seconds = 60;
  }
};

std::vector<std::string> downloads(const HttpsServer& server) {
  std::vector<std::string> lines;
  for (const auto& line : server.request_lines()) {
    if (line.starts_with("GET /llama/")) lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("install a registry recipe by name from a local mirror") {
  HttpsServer server;
  server.add_json("/repos/ggml-org/llama.cpp/tags", R"([{"name": "b11194"}, {"name": "b11193"}])");

  SUBCASE("llama.cpp on a machine without a GPU: the CPU build, with the reason, verified and smoke-checked") {
    server.add("/llama/b11193/llama-b11193-bin-ubuntu-x64.tar.gz", llama_release("b11193", "  CPU: test cpu\\n"));
    MirrorEnv env(server, "none");
    auto r = run_tailor({"install", "llama.cpp@b11193"}, env.options);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "llama.cpp@b11193\n");
    CHECK(r.err.find("backend ladder:\n  cpu: chosen (best rung with a build for this machine)\n") !=
          std::string::npos);
    CHECK(downloads(server) == std::vector<std::string>{"GET /llama/b11193/llama-b11193-bin-ubuntu-x64.tar.gz"});
    CHECK(run({(env.home / "bin" / "llama-cli").string(), "--version"}).out == "version: 11193 (0000000)\n");
    auto receipt =
        nlohmann::json::parse(read_text(env.home / "tools" / "llama.cpp-b11193" / ".tailor" / "receipt.json"));
    CHECK(receipt["backend"] == "cpu");
    CHECK(receipt["requested_backend"] == "auto");
    auto state = nlohmann::json::parse(read_text(env.home / "state.json"));
    CHECK(state["installed"].contains("llama.cpp"));
  }

  SUBCASE("an H100 with driver 590: the CUDA 13 build and its runtime companion unpack into one directory") {
    const std::string build_name = "llama-b11193-bin-ubuntu-cuda-13.4-x64.tar.gz";
    const std::string runtime_name = "cudart-llama-b11193-bin-ubuntu-cuda-13.4-x64.tar.gz";
    auto [build, runtime] = llama_cuda_release("b11193", "cudart-llama-b11193-bin-ubuntu-cuda-13.4-x64");
    server.add("/llama/b11193/" + build_name, build);
    server.add("/llama/b11193/" + runtime_name, runtime);
    server.add_json("/repos/ggml-org/llama.cpp/releases/tags/b11193",
                    R"({"tag_name": "b11193", "assets": [{"name": ")" + runtime_name + R"("}, {"name": ")" +
                        build_name + R"("}, {"name": "llama-b11193-bin-ubuntu-x64.tar.gz"}]})");
    MirrorEnv env(server, "nvidia");
    write_text(env.dir / "facts.json", R"({"facts_version": 1, "os": "linux", "arch": "amd64",
 "linux_family": "debian", "libc": "glibc", "gpu": "nvidia", "gpu_driver": "590.48.01", "gpu_compute": "9.0",
 "vulkan": "loader-only"})");
    // The NVIDIA driver is a system package tailor checks, never installs: the package query
    // and nvidia-smi of a machine that has it.
    const fs::path tools = env.dir / "system";
    write_text(tools / "dpkg-query", "#!/bin/sh\nprintf 'install ok installed'\n");
    write_text(tools / "nvidia-smi", "#!/bin/sh\necho 590.48.01\n");
    fs::permissions(tools / "dpkg-query", fs::perms::owner_all);
    fs::permissions(tools / "nvidia-smi", fs::perms::owner_all);
    env.options.env["PATH"] = tools.string() + ":" + std::getenv("PATH");

    auto r = run_tailor({"install", "llama.cpp@b11193"}, env.options);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("cuda: chosen") != std::string::npos);
    auto fetched = downloads(server);
    CHECK(std::find(fetched.begin(), fetched.end(), "GET /llama/b11193/" + build_name) != fetched.end());
    CHECK(std::find(fetched.begin(), fetched.end(), "GET /llama/b11193/" + runtime_name) != fetched.end());
    const fs::path dir = env.home / "tools" / "llama.cpp-b11193";
    for (const char* file : {"llama-cli", "libggml-cuda.so", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13"})
      CHECK_MESSAGE(fs::is_regular_file(dir / file), file);
    // The archives themselves are not installed, only what they hold.
    CHECK_FALSE(fs::exists(dir / build_name));
    CHECK_FALSE(fs::exists(dir / runtime_name));
    CHECK(run({(env.home / "bin" / "llama-cli").string(), "--list-devices"}).out.find("CUDA0: NVIDIA H100") !=
          std::string::npos);
    auto receipt = nlohmann::json::parse(read_text(dir / ".tailor" / "receipt.json"));
    CHECK(receipt["backend"] == "cuda");
  }

  SUBCASE("a release that publishes no SYCL or Vulkan build: auto installs the CPU build, explicit sycl is exit 6") {
    server.add("/llama/b11193/llama-b11193-bin-ubuntu-x64.tar.gz", llama_release("b11193", "  CPU: test cpu\\n"));
    server.add_json("/repos/ggml-org/llama.cpp/releases/tags/b11193",
                    R"({"tag_name": "b11193", "assets": [{"name": "llama-b11193-bin-ubuntu-x64.tar.gz"},
                        {"name": "llama-b11193-bin-macos-arm64.zip"}]})");
    MirrorEnv env(server, "intel");
    const std::string sycl_reason =
        "release b11193 publishes no SYCL build for linux/amd64: no asset matches "
        "'llama-b11193-bin-ubuntu-sycl-fp16-x64.tar.gz'";
    auto explicit_sycl = run_tailor({"install", "llama.cpp@b11193", "--backend", "sycl"}, env.options);
    INFO(explicit_sycl.out, explicit_sycl.err);
    CHECK(explicit_sycl.exit_code == 6);
    CHECK(explicit_sycl.err.find(sycl_reason) != std::string::npos);
    CHECK(downloads(server).empty());
    CHECK_FALSE(fs::exists(env.home / "tools"));

    auto explain = run_tailor({"plan", "llama.cpp@b11193", "--explain"}, env.options);
    INFO(explain.out, explain.err);
    REQUIRE(explain.exit_code == 0);
    CHECK(explain.out.find("  sycl: rejected (" + sycl_reason + ")\n") != std::string::npos);
    CHECK(explain.out.find("  vulkan: rejected (release b11193 publishes no Vulkan build for linux/amd64") !=
          std::string::npos);
    CHECK(explain.out.find("  cpu: chosen") != std::string::npos);
    auto json = run_tailor({"eval", "llama.cpp@b11193"}, env.options);
    REQUIRE(json.exit_code == 0);
    CHECK(nlohmann::json::parse(json.out)["platform"]["backend"] == "cpu");

    auto r = run_tailor({"install", "llama.cpp@b11193"}, env.options);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    // Only the CPU build was ever downloaded (at plan time for its checksum, then from the cache).
    REQUIRE_FALSE(downloads(server).empty());
    for (const auto& line : downloads(server)) CHECK(line == "GET /llama/b11193/llama-b11193-bin-ubuntu-x64.tar.gz");
    auto receipt =
        nlohmann::json::parse(read_text(env.home / "tools" / "llama.cpp-b11193" / ".tailor" / "receipt.json"));
    CHECK(receipt["backend"] == "cpu");
    CHECK(receipt.dump().find(sycl_reason) != std::string::npos);
  }

  SUBCASE("a CPU build whose smoke check finds no CPU device is not kept") {
    server.add("/llama/b11193/llama-b11193-bin-ubuntu-x64.tar.gz", llama_release("b11193", "  (none)\\n"));
    MirrorEnv env(server, "none");
    auto r = run_tailor({"install", "llama.cpp@b11193"}, env.options);
    INFO(r.out, r.err);
    CHECK(r.exit_code == 6);
    CHECK_FALSE(fs::exists(env.home / "tools" / "llama.cpp-b11193"));
    CHECK_FALSE(fs::exists(env.home / "bin" / "llama-cli"));
  }

  SUBCASE("llm.backend=cuda on a machine without an NVIDIA GPU fails before any download") {
    MirrorEnv env(server, "none");
    REQUIRE(run_tailor({"config", "set", "llm.backend", "cuda"}, env.options).exit_code == 0);
    auto r = run_tailor({"install", "llama.cpp@b11193"}, env.options);
    INFO(r.out, r.err);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("cuda") != std::string::npos);
    CHECK(downloads(server).empty());
  }

  SUBCASE("a version provider that cannot be reached stops plan, eval and install with exit 5, not 'dev'") {
    server.add("/llama/b11193/llama-b11193-bin-ubuntu-x64.tar.gz", llama_release("b11193", "  CPU: test cpu\\n"));
    server.add("/llama/dev/llama-dev-bin-ubuntu-x64.tar.gz", llama_release("b11193", "  CPU: test cpu\\n"));
    MirrorEnv env(server, "none");
    // Nothing listens on port 1 of the loopback address.
    env.options.env["TAILOR_GITHUB_API"] = "https://127.0.0.1:1";
    for (const char* command : {"plan", "eval", "install"}) {
      for (const char* spec : {"llama.cpp", "llama.cpp@b11193"}) {
        auto r = run_tailor({command, spec}, env.options);
        INFO(command, " ", spec, r.out, r.err);
        CHECK(r.exit_code == 5);  // network, as from `versions` (docs/exit-codes.md)
        // One message naming the provider and the cause.
        CHECK(r.err.starts_with("error: cannot resolve "));
        CHECK(r.err.find("GitHub releases of ggml-org/llama.cpp") != std::string::npos);
        CHECK(r.err.find("127.0.0.1:1") != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.out.empty());
        CHECK(r.err.find("dev") == std::string::npos);
        // Not a single artifact request, and no URL built from the placeholder "dev".
        CHECK(server.request_lines().empty());
        CHECK_FALSE(fs::exists(env.home / "tools"));
        CHECK_FALSE(fs::exists(env.home / "state.json"));
      }
    }
  }
}
