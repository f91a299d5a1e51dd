// The fleet path of docs/fleets.md with a project lock, against a real registry (Debian's
// docker-registry on 127.0.0.1, TLS from the test CA): `tailor resolve` locks two tools,
// `mirror push --lock` uploads them, then machines with the origin server stopped install with
// `install --locked --mirror oci://…:TAG` or bundle with `fetch --lock --from-mirror`.
// Without the registry binary each test says so and checks nothing.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/oci_registry.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

constexpr const char* k_repo = "fleet/tools";

std::string recipe(const HttpsServer& server, const std::string& name) {
  return "[metadata]\nname = \"" + name + "\"\ndescription = \"A test tool\"\n\n[version]\ngithub_repo = \"test/" +
         name + "\"\n\n[[steps]]\naction = \"download_archive\"\nurl = \"" +
         server.url("/dl/" + name + "-{version}-{os}-{arch}.tar.gz") + "\"\nstrip_dirs = 1\nbinaries = [\"bin/" + name +
         "\"]\n\n[verify]\ncommand = \"" + name + " --version\"\npattern = \"" + name + " {version}\"\n";
}

// Serves `name` 1.0.0 for linux/amd64 and linux/arm64; returns the release.
ToolRelease publish(HttpsServer& server, const fs::path& recipes, const std::string& name) {
  ToolRelease release = make_tool_release(name, "1.0.0");
  for (const char* platform : {"linux-amd64", "linux-arm64"})
    server.add("/dl/" + name + "-1.0.0-" + platform + ".tar.gz", release.bytes);
  server.add_json("/repos/test/" + name + "/tags", R"([{"name": "v1.0.0"}])");
  write_text(recipes / (name + ".toml"), recipe(server, name));
  return release;
}

// One machine: its own TAILOR_HOME, facts (linux/amd64 debian, no GPU) that never read the host.
RunOptions machine(const fs::path& ca, const fs::path& home, const std::string& config_toml = "") {
  fs::path dir = fresh_dir("fleet-machine");
  fs::create_directories(dir / "sysroot");
  fs::create_directories(home);
  write_text(
      dir / "facts.json",
      R"({"facts_version": 1, "os": "linux", "arch": "amd64", "linux_family": "debian", "libc": "glibc", "gpu": "none"})");
  if (!config_toml.empty()) write_text(home / "config.toml", config_toml);
  RunOptions options;
  options.env = {{"TAILOR_HOME", home.string()},
                 {"TAILOR_CA_BUNDLE", ca.string()},
                 {"TAILOR_SYSROOT", (dir / "sysroot").string()},
                 {"TAILOR_FACTS", (dir / "facts.json").string()},
                 {"CI", "1"}};
  options.unset_env = {"GITHUB_TOKEN", "GH_TOKEN", "TAILOR_OFFLINE"};
  options.timeout_seconds = 120;
  options.cwd = fresh_dir("fleet-cwd").string();  // no project here
  return options;
}

bool nothing_installed(const fs::path& home) {
  auto empty = [](const fs::path& p) { return !fs::exists(p) || fs::is_empty(p); };
  return empty(home / "tools") && empty(home / "bin");
}

}  // namespace

TEST_CASE("a project lock pushed to a registry installs and bundles with the origin stopped") {
  OciRegistry registry;
  REQUIRE_MESSAGE(
      registry.running(),
      "no OCI registry to test against (docker-registry is in scripts/install-deps.sh): " << registry.error());
  auto origin = std::make_unique<HttpsServer>();
  fs::path recipes = fresh_dir("fleet-recipes");
  publish(*origin, recipes, "hello");
  const ToolRelease world = publish(*origin, recipes, "world");

  // Resolve once, for this machine and linux/arm64, on a connected machine.
  fs::path project = fresh_dir("fleet-project");
  write_text(project / "tailor.toml",
             "[tools]\nhello = \"1\"\nworld = \"1.0.0\"\n\n[lock]\ntargets = [\"linux/arm64\"]\n");
  fs::path pusher_home = fresh_dir("fleet-pusher");
  RunOptions pusher = machine(registry.ca_file(), pusher_home);
  pusher.env["TAILOR_GITHUB_API"] = origin->base_url();
  pusher.env["TAILOR_RECIPES"] = recipes.string();
  pusher.cwd = project.string();
  auto resolved = run_tailor({"resolve"}, pusher);
  INFO(resolved.out << resolved.err);
  REQUIRE(resolved.exit_code == 0);
  const std::string lock_bytes = read_text(project / "tailor.lock");
  REQUIRE(ordered_json::parse(lock_bytes)["targets"] ==
          ordered_json::array({"linux/amd64/debian:none", "linux/arm64"}));

  // Push only this machine's target: two artifacts, the lock as the config blob.
  const std::string reference = registry.oci_url(k_repo) + ":v1";
  auto pushed = run_tailor(
      {"mirror", "push", "--lock", "tailor.lock", "--target", "linux/amd64/debian:none", reference, "--json"}, pusher);
  INFO(pushed.out << pushed.err);
  REQUIRE(pushed.exit_code == 0);
  ordered_json report = ordered_json::parse(pushed.out);
  CHECK(report["uploaded"] == 2);
  CHECK(report["reference"] == reference);
  const std::size_t origin_requests = origin->requests().size();

  // The manifest's config is the lock file, byte for byte.
  auto manifest = run({"/usr/bin/curl", "-sf", "--cacert", registry.ca_file().string(), "-H",
                       "Accept: application/vnd.oci.image.manifest.v1+json",
                       "https://" + registry.host() + "/v2/fleet/tools/manifests/v1"});
  REQUIRE(manifest.exit_code == 0);
  const std::string config_digest = ordered_json::parse(manifest.out)["config"]["digest"];
  CHECK(config_digest == "sha256:" + sha256_hex(lock_bytes));

  origin.reset();  // only the registry serves from here on

  SUBCASE("install --locked --mirror installs the pushed lock, no project needed") {
    fs::path home = fresh_dir("fleet-node");
    RunOptions node = machine(registry.ca_file(), home);
    auto installed = run_tailor({"install", "--locked", "--mirror", reference}, node);
    INFO(installed.out << installed.err);
    REQUIRE(installed.exit_code == 0);
    CHECK(installed.out == "hello@1.0.0\nworld@1.0.0\n");
    CHECK(installed.err.find("installing 2 tools from " + reference + " for linux/amd64/debian:none") !=
          std::string::npos);
    CHECK(run({(home / "bin" / "hello").string()}).out == "hello 1.0.0\n");
    CHECK(run({(home / "bin" / "world").string()}).out == "world 1.0.0\n");
    auto lines = registry.requests();
    CHECK(std::count(lines.begin(), lines.end(), "GET /v2/fleet/tools/manifests/v1") == 2);  // curl's, then ours
    CHECK(std::count(lines.begin(), lines.end(), "GET /v2/fleet/tools/blobs/sha256:" + world.sha256) == 1);

    auto again = run_tailor({"install", "--locked", "--mirror", reference}, node);
    CHECK(again.exit_code == 0);
  }

  SUBCASE("a blob corrupted on the registry's disk is refused, nothing kept") {
    const std::string& sha = world.sha256;
    REQUIRE(fs::exists(registry.blob_data(sha)));
    std::string bytes = read_text(registry.blob_data(sha));
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);
    write_text(registry.blob_data(sha), bytes);
    fs::path home = fresh_dir("fleet-node-bad");
    auto installed = run_tailor({"install", "--locked", "--mirror", reference}, machine(registry.ca_file(), home));
    INFO(installed.out << installed.err);
    CHECK(installed.exit_code == 9);
    CHECK(installed.err.find("checksum mismatch") != std::string::npos);
    CHECK(nothing_installed(home));
    CHECK_FALSE(fs::exists(home / "cache" / "downloads" / (sha + ".data")));
  }

  SUBCASE("fetch --lock --from-mirror bundles for an offline install --locked --from") {
    fs::path home = fresh_dir("fleet-gateway");
    RunOptions gateway = machine(registry.ca_file(), home);
    fs::path bundle = fresh_dir("fleet-bundle");
    auto fetched = run_tailor({"fetch", "--lock", "--from-mirror", reference, "--into", bundle.string()}, gateway);
    INFO(fetched.out << fetched.err);
    REQUIRE(fetched.exit_code == 0);
    CHECK(fetched.out == "2 artifacts in " + bundle.string() + "\n");
    CHECK(fetched.err.find("bundling 2 tools of " + reference + " for linux/amd64/debian:none") != std::string::npos);

    // The air-gapped machine has the project (tailor.toml and tailor.lock) from source control.
    fs::path offline_home = fresh_dir("fleet-airgap");
    RunOptions airgap = machine(registry.ca_file(), offline_home);
    airgap.cwd = project.string();
    auto installed = run_tailor({"install", "--locked", "--from", bundle.string(), "--offline"}, airgap);
    INFO(installed.out << installed.err);
    CHECK(installed.exit_code == 0);
    CHECK(run({(offline_home / "bin" / "world").string()}).out == "world 1.0.0\n");
  }

  SUBCASE("a reference without a tag, a plan's manifest, a target the lock lacks") {
    fs::path home = fresh_dir("fleet-node-errors");
    RunOptions node = machine(registry.ca_file(), home);
    auto untagged = run_tailor({"install", "--locked", "--mirror", registry.oci_url(k_repo)}, node);
    CHECK(untagged.exit_code == 2);
    CHECK(untagged.err.find("names no tag") != std::string::npos);
    auto unlocked = run_tailor({"install", "--mirror", reference}, node);
    CHECK(unlocked.exit_code == 2);
    auto missing = run_tailor({"install", "--locked", "--mirror", registry.oci_url(k_repo) + ":nope"}, node);
    CHECK(missing.exit_code != 0);
    auto foreign = run_tailor({"fetch", "--lock", "--from-mirror", reference, "--target", "darwin/arm64", "--into",
                               fresh_dir("fleet-foreign").string()},
                              node);
    CHECK(foreign.exit_code == 1);
    CHECK(foreign.err.find("has no entry for darwin/arm64") != std::string::npos);
    CHECK(nothing_installed(home));
  }
  CHECK(origin_requests > 0);
}
