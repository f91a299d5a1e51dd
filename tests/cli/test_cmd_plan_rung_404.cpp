// The backend ladder meets a direct URL (docs/planning.md, "The backend ladder"): a rung whose
// download_archive URL answers 404 at plan time is rejected with the reason under auto, and an
// explicit backend fails with exit 6, downloading nothing.
#include <doctest/doctest.h>

#include "backend_env.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;

namespace {

const std::string k_vulkan_path = "/llamalike-1.0.0-vulkan.tar.gz";

std::vector<std::string> gets_of(const HttpsServer& server, const std::string& path) {
  std::vector<std::string> out;
  for (const auto& line : server.request_lines()) {
    if (line == "GET " + path) out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("a backend rung whose direct URL answers 404") {
  BackendEnv env({{"cpu", "CPU"}, {"vulkan", "Vulkan0: NVIDIA test"}});
  // The vulkan build is not there: every request for it answers 404.
  env.server.script(k_vulkan_path, std::vector<Reply>(8, Reply::status_code(404)));
  const std::string url = env.server.url(k_vulkan_path);
  const std::string registry = (env.dir / "registry").string();

  SUBCASE("auto: rejected with the reason, the CPU build planned") {
    auto r = run_tailor({"plan", "llamalike@1.0.0", "--registry", registry, "--explain"}, env.options);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("  vulkan: rejected (version 1.0.0 has no Vulkan build for linux/amd64: " + url +
                     " answers 404)\n") != std::string::npos);
    CHECK(r.out.find("  cpu: chosen") != std::string::npos);
    CHECK(gets_of(env.server, k_vulkan_path).empty());  // asked with HEAD only
  }
  SUBCASE("explicit vulkan: exit 6 with the reason, nothing downloaded or installed") {
    auto r = env.install({"--backend", "vulkan"});
    INFO(r.out, r.err);
    CHECK(r.exit_code == 6);
    CHECK(r.err.find(url + " answers 404") != std::string::npos);
    CHECK(gets_of(env.server, k_vulkan_path).empty());
    CHECK(gets_of(env.server, "/llamalike-1.0.0-cpu.tar.gz").empty());
    CHECK_FALSE(fs::exists(env.tool_dir()));
  }
}
