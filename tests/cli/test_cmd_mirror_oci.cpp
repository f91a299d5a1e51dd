// Fleets over OCI registries (docs/fleets.md) against a real registry: Debian's
// docker-registry on 127.0.0.1 with TLS from the test CA and storage in a scratch directory.
// Without the registry binary each test says so and checks nothing.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>

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

// One machine: its own TAILOR_HOME and config.toml, facts that never read the real host.
struct Machine {
  fs::path home = fresh_dir("home");
  fs::path dir = fresh_dir("machine");
  RunOptions options;

  explicit Machine(const fs::path& ca, const std::string& config_toml = "") {
    fs::create_directories(dir / "sysroot");
    fs::create_directories(home);
    write_text(
        dir / "facts.json",
        R"({"facts_version": 1, "os": "linux", "arch": "amd64", "linux_family": "debian", "libc": "glibc", "gpu": "none"})");
    if (!config_toml.empty()) write_text(home / "config.toml", config_toml);
    options.env = {{"TAILOR_HOME", home.string()},
                   {"TAILOR_CA_BUNDLE", ca.string()},
                   {"TAILOR_SYSROOT", (dir / "sysroot").string()},
                   {"TAILOR_FACTS", (dir / "facts.json").string()},
                   {"CI", "1"}};
    options.timeout_seconds = 120;
  }
  RunResult tailor(const std::vector<std::string>& args) const { return run_tailor(args, options); }
  bool nothing_installed() const {
    auto empty = [](const fs::path& p) { return !fs::exists(p) || fs::is_empty(p); };
    return empty(home / "tools") && empty(home / "bin");
  }
};

std::string mirror_config(const OciRegistry& registry, const std::string& extra = "") {
  return "[[mirrors]]\nurl = \"" + registry.oci_url(k_repo) + "\"\nname = \"fleet\"\n" + extra;
}

// A plan of two tools (hello and its dependency depcmd) served by `origin`.
struct TwoTools {
  ToolRelease hello = make_tool_release("hello", "1.0.0");
  ToolRelease dep = make_tool_release("depcmd", "2.0.0", "tar.xz");
  ordered_json plan;
  explicit TwoTools(HttpsServer& origin) {
    origin.add("/" + hello.file_name(), hello.bytes);
    origin.add("/" + dep.file_name(), dep.bytes);
    plan = make_tool_plan(hello, origin.url("/" + hello.file_name()));
    ordered_json dep_plan = make_tool_plan(dep, origin.url("/" + dep.file_name()));
    for (const char* key : {"format_version", "platform", "deterministic"}) dep_plan.erase(key);
    plan["dependencies"] = ordered_json::array({dep_plan});
    plan["verify"]["command"] = "hello --version && depcmd --version";
  }
  fs::path write(const fs::path& dir) const {
    write_text(dir / "plan.json", plan.dump(2));
    return dir / "plan.json";
  }
};

std::size_t count_uploads(const std::vector<std::string>& lines, std::size_t from = 0) {
  return static_cast<std::size_t>(
      std::count_if(lines.begin() + static_cast<std::ptrdiff_t>(from), lines.end(),
                    [](const std::string& line) { return line.find("/blobs/uploads/") != std::string::npos; }));
}

}  // namespace

TEST_CASE("mirror push, then a mirror-only install with the origin stopped") {
  OciRegistry registry;
  REQUIRE_MESSAGE(
      registry.running(),
      "no OCI registry to test against (docker-registry is in scripts/install-deps.sh): " << registry.error());
  auto origin = std::make_unique<HttpsServer>();
  TwoTools tools(*origin);
  Machine pusher(registry.ca_file());
  fs::path plan = tools.write(pusher.dir);

  auto pushed = pusher.tailor({"mirror", "push", "--plan", plan.string(), registry.oci_url(k_repo), "--json"});
  INFO(pushed.out << pushed.err);
  REQUIRE(pushed.exit_code == 0);
  ordered_json report = ordered_json::parse(pushed.out);
  CHECK(report["uploaded"] == 2);
  CHECK(report["skipped"] == 0);
  CHECK(report["tag"].get<std::string>().size() == 64);  // the plan's SHA-256
  CHECK(report["reference"] == registry.oci_url(k_repo) + ":" + report["tag"].get<std::string>());
  CHECK(fs::exists(registry.blob_data(tools.hello.sha256)));
  CHECK(fs::exists(registry.blob_data(tools.dep.sha256)));
  CHECK(origin->requests().size() == 2);

  // The manifest is an OCI artifact: the plan as config, the artifacts as named layers.
  auto manifest_lines = registry.requests();
  CHECK(std::count(manifest_lines.begin(), manifest_lines.end(),
                   "PUT /v2/fleet/tools/manifests/" + report["tag"].get<std::string>()) == 1);

  // What any OCI client sees: an artifact manifest with the plan as config and named layers.
  auto fetched = run({"/usr/bin/curl", "-sf", "--cacert", registry.ca_file().string(), "-H",
                      "Accept: application/vnd.oci.image.manifest.v1+json",
                      "https://" + registry.host() + "/v2/fleet/tools/manifests/" + report["tag"].get<std::string>()});
  REQUIRE(fetched.exit_code == 0);
  ordered_json manifest = ordered_json::parse(fetched.out);
  CHECK(manifest["artifactType"] == "application/vnd.tailor.lock.v1+json");
  CHECK(manifest["config"]["mediaType"] == "application/vnd.tailor.lock.v1+json");
  CHECK(manifest["config"]["digest"] == "sha256:" + report["tag"].get<std::string>());
  REQUIRE(manifest["layers"].size() == 2);
  // Dependencies first, in the order install fetches them.
  CHECK(manifest["layers"][0]["digest"] == "sha256:" + tools.dep.sha256);
  CHECK(manifest["layers"][0]["annotations"]["org.opencontainers.image.title"] == tools.dep.file_name());
  CHECK(manifest["layers"][1]["annotations"]["org.opencontainers.image.title"] == tools.hello.file_name());

  SUBCASE("pushing again uploads nothing and downloads nothing") {
    std::size_t before = registry.requests().size();
    auto again = pusher.tailor({"mirror", "push", "--plan", plan.string(), registry.oci_url(k_repo), "--tag", "v1"});
    INFO(again.out << again.err);
    REQUIRE(again.exit_code == 0);
    CHECK(again.out.find("(0 uploaded, 2 already there;") != std::string::npos);
    CHECK(again.err.find("exists") != std::string::npos);
    auto lines = registry.requests();
    CHECK(count_uploads(lines, before) == 0);
    CHECK(std::count(lines.begin() + static_cast<std::ptrdiff_t>(before), lines.end(),
                     "PUT /v2/fleet/tools/manifests/v1") == 1);
    CHECK(origin->requests().size() == 2);
  }

  SUBCASE("a second machine installs from the registry alone") {
    origin.reset();  // only the registry serves now
    Machine fleet(registry.ca_file(), mirror_config(registry));
    auto installed = fleet.tailor({"install", "--plan", plan.string()});
    INFO(installed.out << installed.err);
    REQUIRE(installed.exit_code == 0);
    CHECK(installed.out == "depcmd@2.0.0\nhello@1.0.0\n");
    CHECK(run({(fleet.home / "bin" / "hello").string()}).out == "hello 1.0.0\n");
    auto lines = registry.requests();
    CHECK(std::count(lines.begin(), lines.end(), "GET /v2/fleet/tools/blobs/sha256:" + tools.hello.sha256) == 1);
    CHECK(std::count(lines.begin(), lines.end(), "GET /v2/fleet/tools/blobs/sha256:" + tools.dep.sha256) == 1);
  }

  SUBCASE("the registry down: the origin serves, unless mirrors.only") {
    registry.stop();
    const std::size_t origin_before = origin->requests().size();
    Machine strict(registry.ca_file(), mirror_config(registry));
    auto set = strict.tailor({"config", "set", "mirrors.only", "true"});
    REQUIRE_MESSAGE(set.exit_code == 0, set.err);
    // Beside [[mirrors]], TOML has room for the key only as a quoted top-level one.
    CHECK(read_text(strict.home / "config.toml").find("'mirrors.only' = true") != std::string::npos);
    CHECK(strict.tailor({"config", "get", "mirrors.only"}).out == "true\n");
    auto refused = strict.tailor({"install", "--plan", plan.string()});
    INFO(refused.out << refused.err);
    CHECK(refused.exit_code == 5);
    CHECK(strict.nothing_installed());
    CHECK(origin->requests().size() == origin_before);

    Machine relaxed(registry.ca_file(), mirror_config(registry));
    auto installed = relaxed.tailor({"install", "--plan", plan.string()});
    INFO(installed.out << installed.err);
    CHECK(installed.exit_code == 0);
    CHECK(origin->requests().size() == origin_before + 2);
  }

  SUBCASE("mirrors.only: an artifact no mirror can serve names the setting") {
    Machine strict(registry.ca_file(),
                   "\"mirrors.only\" = true\n[[mirrors]]\nprefix = \"https://elsewhere.example/\"\nurl = "
                   "\"https://mirror.example/\"\n");
    auto refused = strict.tailor({"install", "--plan", plan.string()});
    INFO(refused.out << refused.err);
    CHECK(refused.exit_code == 5);
    CHECK(refused.err.find("mirrors.only is set and no mirror serves it") != std::string::npos);
    CHECK(origin->requests().size() == 2);
  }

  SUBCASE("a blob corrupted on the registry's disk is refused and not kept") {
    origin.reset();
    std::string bytes = read_text(registry.blob_data(tools.hello.sha256));
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);
    write_text(registry.blob_data(tools.hello.sha256), bytes);
    Machine fleet(registry.ca_file(), mirror_config(registry));
    auto installed = fleet.tailor({"install", "--plan", plan.string()});
    INFO(installed.out << installed.err);
    CHECK(installed.exit_code == 9);
    CHECK(installed.err.find("checksum mismatch") != std::string::npos);
    CHECK(fleet.nothing_installed());
    CHECK_FALSE(fs::exists(fleet.home / "cache" / "downloads" / (tools.hello.sha256 + ".data")));
  }
}

TEST_CASE("mirror push --lock pushes the plans of the chosen targets") {
  OciRegistry registry;
  REQUIRE_MESSAGE(
      registry.running(),
      "no OCI registry to test against (docker-registry is in scripts/install-deps.sh): " << registry.error());
  HttpsServer origin;
  TwoTools tools(origin);
  Machine pusher(registry.ca_file());
  ordered_json dep_plan = tools.plan["dependencies"][0];
  ordered_json hello_plan = tools.plan;
  hello_plan.erase("dependencies");
  ordered_json lock = {{"lock_version", 1},
                       {"tools_hash", "abc"},
                       {"targets", {"linux/amd64", "linux/arm64"}},
                       {"entries",
                        {{{"tool", "hello"}, {"request", "hello"}, {"target", "linux/amd64"}, {"plan", hello_plan}},
                         {{"tool", "depcmd"}, {"request", "depcmd"}, {"target", "linux/arm64"}, {"plan", dep_plan}}}}};
  write_text(pusher.dir / "tailor.lock", lock.dump(2));
  auto one = pusher.tailor({"mirror", "push", "--lock", (pusher.dir / "tailor.lock").string(), "--target",
                            "linux/amd64", registry.oci_url(k_repo), "--json"});
  INFO(one.out << one.err);
  REQUIRE(one.exit_code == 0);
  ordered_json report = ordered_json::parse(one.out);
  REQUIRE(report["artifacts"].size() == 1);
  CHECK(report["artifacts"][0]["sha256"] == tools.hello.sha256);
  CHECK_FALSE(fs::exists(registry.blob_data(tools.dep.sha256)));

  RunOptions in_project = pusher.options;
  in_project.cwd = pusher.dir.string();
  auto all = run_tailor({"mirror", "push", "--all-targets", registry.oci_url(k_repo), "--json"}, in_project);
  INFO(all.out << all.err);
  REQUIRE(all.exit_code == 0);
  report = ordered_json::parse(all.out);
  CHECK(report["uploaded"] == 1);  // depcmd; hello was there
  CHECK(report["skipped"] == 1);
  CHECK(fs::exists(registry.blob_data(tools.dep.sha256)));
}

TEST_CASE("mirror push uploads large blobs in chunks") {
  OciRegistry registry;
  REQUIRE_MESSAGE(
      registry.running(),
      "no OCI registry to test against (docker-registry is in scripts/install-deps.sh): " << registry.error());
  HttpsServer origin;
  TwoTools tools(origin);
  Machine pusher(registry.ca_file());
  pusher.options.env["TAILOR_OCI_CHUNK_SIZE"] = "1024";
  auto pushed = pusher.tailor(
      {"mirror", "push", "--plan", tools.write(pusher.dir).string(), registry.oci_url(k_repo) + ":chunked"});
  INFO(pushed.out << pushed.err);
  REQUIRE(pushed.exit_code == 0);
  auto lines = registry.requests();
  auto patches =
      std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("PATCH ", 0) == 0; });
  CHECK(static_cast<std::size_t>(patches) >= (tools.hello.bytes.size() + 1023) / 1024);
  CHECK(sha256_file(registry.blob_data(tools.hello.sha256)) == tools.hello.sha256);
}

TEST_CASE("an htpasswd registry: 401 without credentials, basic auth from secrets") {
  OciRegistry registry(OciRegistry::Options{"fleet", "s3cret-pw"});
  REQUIRE_MESSAGE(
      registry.running(),
      "no OCI registry to test against (docker-registry is in scripts/install-deps.sh): " << registry.error());
  auto origin = std::make_unique<HttpsServer>();
  TwoTools tools(*origin);
  std::string with_secret = mirror_config(registry, "username = \"fleet\"\nsecret = \"fleet_registry\"\n");

  Machine anonymous(registry.ca_file());
  fs::path plan = tools.write(anonymous.dir);
  auto refused = anonymous.tailor({"mirror", "push", "--plan", plan.string(), registry.oci_url(k_repo)});
  CHECK(refused.exit_code == 5);
  CHECK(refused.err.find("refused access") != std::string::npos);
  CHECK(refused.err.find("no credentials are configured") != std::string::npos);

  Machine pusher(registry.ca_file(), with_secret);
  pusher.options.env["TAILOR_SECRET_FLEET_REGISTRY"] = "s3cret-pw";
  auto pushed = pusher.tailor({"mirror", "push", "--plan", plan.string(), registry.oci_url(k_repo), "--tag", "v1"});
  INFO(pushed.out << pushed.err);
  REQUIRE(pushed.exit_code == 0);

  origin.reset();
  Machine wrong(registry.ca_file(), with_secret);
  wrong.options.env["TAILOR_SECRET_FLEET_REGISTRY"] = "not-the-password";
  auto denied = wrong.tailor({"install", "--plan", plan.string()});
  CHECK(denied.exit_code == 5);
  CHECK(denied.err.find("check username and secrets.fleet_registry") != std::string::npos);
  CHECK(wrong.nothing_installed());

  Machine fleet(registry.ca_file(), with_secret);
  fleet.options.env["TAILOR_SECRET_FLEET_REGISTRY"] = "s3cret-pw";
  auto installed = fleet.tailor({"install", "--plan", plan.string()});
  INFO(installed.out << installed.err);
  CHECK(installed.exit_code == 0);
  CHECK(installed.out == "depcmd@2.0.0\nhello@1.0.0\n");
}

TEST_CASE("mirror push refuses bad command lines") {
  Machine machine(fresh_dir("ca") / "none.pem");
  machine.options.env.erase("TAILOR_CA_BUNDLE");
  auto none = machine.tailor({"mirror", "push", "oci://127.0.0.1:1/fleet"});
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("needs one of --plan FILE, --lock FILE or --all-targets") != std::string::npos);
  write_text(machine.dir / "plan.json", "{}");
  auto bad_ref = machine.tailor({"mirror", "push", "--plan", (machine.dir / "plan.json").string(), "https://x/y"});
  CHECK(bad_ref.exit_code == 2);
  CHECK(bad_ref.err.find("expected oci://HOST[:PORT]/NAMESPACE[:TAG]") != std::string::npos);
}
