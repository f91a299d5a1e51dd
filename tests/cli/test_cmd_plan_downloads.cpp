// Planning never downloads an artifact twice (docs/downloads.md, "The checksum cache"): a
// repeated `plan` of a GPU stack, and the `install` after it, make no artifact request; old
// entries are revalidated with one conditional HEAD; long downloads report progress on a
// non-terminal stderr. A real HTTPS server counts what it is asked.
#include <doctest/doctest.h>

#include <fstream>

#include "backend_env.hpp"
#include "fetch/checksum_cache.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using namespace std::chrono_literals;
using nlohmann::ordered_json;

namespace {

const std::string k_build = "/llamalike-1.0.0-cuda.tar.gz";
const std::string k_runtime = "/cudart-1.0.0-linux-x64.tar.gz";

// A CUDA stack of two artifacts: the build and a runtime archive beside it.
struct CudaStack : BackendEnv {
  std::string runtime_bytes = build_archive_bytes("tar.gz", {file_entry("lib/libcudart.so.12", "runtime", 0644)});

  CudaStack() : BackendEnv({{"cuda", "CUDA0: NVIDIA GeForce RTX 4090"}, {"cpu", "CPU"}}) {
    server.add_with_etag(k_runtime, runtime_bytes, "\"runtime-v1\"");
    fs::path recipe = dir / "registry" / "llamalike.toml";
    std::string text = read_text(recipe);
    std::string runtime_step =
        "[[steps]]\naction = \"download_archive\"\nurl = \"" + server.url("/cudart-{version}-linux-x64.tar.gz") +
        "\"\ninstall_mode = \"directory\"\nbinaries = []\nwhen = { os = [\"linux\"], backend = [\"cuda\"] }\n\n";
    text.insert(text.find("[verify]"), runtime_step);
    write_text(recipe, text);
  }
  RunResult plan(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"plan", "llamalike@1.0.0", "--registry", (dir / "registry").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_tailor(args, options);
  }
  std::size_t requests_of(const std::string& method, const std::string& path) const {
    std::size_t count = 0;
    for (const auto& line : server.request_lines()) count += line == method + " " + path ? 1 : 0;
    return count;
  }
  fs::path checksum_file(const std::string& path) const {
    return tailor::fetch::ChecksumCache(home / "cache" / "downloads" / "checksums").path_for(server.url(path));
  }
  // Makes the checksum cache entry of `path` look `hours` old.
  void age(const std::string& path, int hours) const {
    auto entry = ordered_json::parse(read_text(checksum_file(path)));
    entry["checked_at"] = entry["checked_at"].get<int64_t>() - int64_t{hours} * 3600;
    write_text(checksum_file(path), entry.dump(2));
  }
};

}  // namespace

TEST_CASE("plan_checksum_cache") {
  SUBCASE("a repeated plan of a cached CUDA stack, and the install after it, make no artifact request") {
    CudaStack stack;
    auto first = stack.plan();
    INFO(combined(first));
    REQUIRE(first.exit_code == 0);
    CHECK(first.out.find("backend: cuda") != std::string::npos);
    CHECK(stack.requests_of("GET", k_build) == 1);
    CHECK(stack.requests_of("GET", k_runtime) == 1);
    auto entry = ordered_json::parse(read_text(stack.checksum_file(k_runtime)));
    CHECK(entry["url"] == stack.server.url(k_runtime));
    CHECK(entry["sha256"] == tailor::util::sha256_hex(stack.runtime_bytes));
    CHECK(entry["size"] == stack.runtime_bytes.size());
    CHECK(entry["etag"] == "\"runtime-v1\"");
    CHECK(entry["source"] == "download");

    stack.server.clear_requests();
    auto second = stack.plan();
    INFO(combined(second));
    REQUIRE(second.exit_code == 0);
    CHECK(second.out == first.out);
    auto install = stack.install();
    INFO(combined(install));
    REQUIRE(install.exit_code == 0);
    CHECK(stack.requests_of("GET", k_build) == 0);
    CHECK(stack.requests_of("GET", k_runtime) == 0);
    CHECK(stack.requests_of("HEAD", k_build) == 0);
    CHECK(stack.requests_of("HEAD", k_runtime) == 0);
    CHECK(fs::exists(stack.tool_dir() / "lib" / "libcudart.so.12"));
  }

  SUBCASE("an old entry is revalidated with one conditional HEAD; a changed artifact is downloaded again") {
    CudaStack stack;
    REQUIRE(stack.plan().exit_code == 0);
    stack.age(k_runtime, 25);
    stack.server.clear_requests();
    auto unchanged = stack.plan();
    INFO(combined(unchanged));
    REQUIRE(unchanged.exit_code == 0);
    CHECK(stack.requests_of("HEAD", k_runtime) == 1);
    CHECK(stack.requests_of("GET", k_runtime) == 0);
    auto heads = stack.server.requests();
    auto head = std::find_if(heads.begin(), heads.end(), [](const auto& r) { return r.method == "HEAD"; });
    REQUIRE(head != heads.end());
    CHECK(head->header("If-None-Match") == "\"runtime-v1\"");
    // The confirmation is remembered: the next plan asks nothing.
    stack.server.clear_requests();
    REQUIRE(stack.plan().exit_code == 0);
    CHECK(stack.requests_of("HEAD", k_runtime) == 0);

    std::string new_bytes = build_archive_bytes("tar.gz", {file_entry("lib/libcudart.so.12", "runtime 2", 0644)});
    stack.server.add_with_etag(k_runtime, new_bytes, "\"runtime-v2\"");
    stack.age(k_runtime, 25);
    stack.server.clear_requests();
    auto changed = stack.plan({"--json"});
    INFO(combined(changed));
    REQUIRE(changed.exit_code == 0);
    // The conditional HEAD finds new validators; the ladder then asks whether the direct URL
    // still exists (a second HEAD), and the new bytes are downloaded once.
    CHECK(stack.requests_of("HEAD", k_runtime) == 2);
    CHECK(stack.requests_of("GET", k_runtime) == 1);
    CHECK(changed.out.find(tailor::util::sha256_hex(new_bytes)) != std::string::npos);
    CHECK(changed.out.find(tailor::util::sha256_hex(stack.runtime_bytes)) == std::string::npos);
  }

  SUBCASE("without a checksum cache entry, the download cache is hashed instead of downloading") {
    CudaStack stack;
    REQUIRE(stack.plan().exit_code == 0);
    fs::remove_all(stack.home / "cache" / "downloads" / "checksums");
    stack.server.clear_requests();
    auto again = stack.plan({"-v"});
    INFO(combined(again));
    REQUIRE(again.exit_code == 0);
    CHECK(stack.requests_of("GET", k_build) == 0);
    CHECK(stack.requests_of("GET", k_runtime) == 0);
    CHECK(again.err.find("hashed in the download cache") != std::string::npos);
    auto entry = ordered_json::parse(read_text(stack.checksum_file(k_runtime)));
    CHECK(entry["source"] == "download cache");
  }

  SUBCASE("a long plan-time download prints progress lines when stderr is a pipe") {
    CudaStack stack;
    // The first request is the rung's HEAD (does the direct URL exist?), the second the download.
    stack.server.script(k_build, {Reply::serve(), Reply::slow(4s)});
    auto r = stack.plan();
    INFO(combined(r));
    REQUIRE(r.exit_code == 0);
    const std::string name = k_build.substr(1);
    CHECK(r.err.find("download " + name + ": ") != std::string::npos);
    CHECK(r.err.find("% (") != std::string::npos);
    CHECK(r.err.find("download " + name + ": done, ") != std::string::npos);
    // The short download beside it stays quiet, and nothing is drawn for a terminal.
    CHECK(r.err.find("download " + k_runtime.substr(1)) == std::string::npos);
    CHECK(r.err.find('\r') == std::string::npos);
    // -q and --json keep stderr free of progress.
    fs::remove_all(stack.home / "cache");
    stack.server.script(k_build, {Reply::slow(3s)});
    auto quiet = stack.plan({"-q"});
    CHECK(quiet.err.find("download " + name) == std::string::npos);
  }
}
