// Can the build run here? (docs/install.md): `tailor install` reads the ELF files of a build
// before anything is linked and refuses one that needs a newer glibc, another C library's loader
// or another machine type; under the backend ladder that rung is rejected and the next one tried;
// `tailor verify` re-checks. The binaries are compiled here with cc and edited in copies; they are
// served in real archives by a real HTTPS server.
#include <doctest/doctest.h>

#include <elf.h>
#include <gnu/libc-version.h>
#include <sys/utsname.h>

#include "backend_env.hpp"
#include "support/elf_fixture.hpp"
#include "support/install_env.hpp"

namespace fs = std::filesystem;
using namespace tailor::test;
using nlohmann::ordered_json;

namespace {

std::string host_arch() {
  utsname name{};
  ::uname(&name);
  return std::string(name.machine) == "aarch64" ? "arm64" : "amd64";
}

// "2.34" -> "2.99": the same length, newer than any glibc.
std::string newer_than_any(std::string version) {
  for (size_t i = version.find('.'); i < version.size(); ++i) {
    if (version[i] != '.') version[i] = '9';
  }
  return version;
}

struct RunnableEnv {
  HttpsServer server;
  fs::path home = fresh_dir("home");
  fs::path dir = fresh_dir("work");
  RunOptions options;
  fs::path hello = dir / "hello";
  std::string needs = "";  // highest GLIBC_x.y of the compiled program

  explicit RunnableEnv(const std::string& libc_version = gnu_get_libc_version()) {
    compile_hello(hello);
    needs = highest_glibc_need(hello);
    options = local_install_env(server, home);
    use_facts(libc_version);
  }
  void use_facts(const std::string& libc_version) {
    write_text(dir / "facts.json", ordered_json{{"facts_version", 1},
                                                {"os", "linux"},
                                                {"arch", host_arch()},
                                                {"libc", "glibc"},
                                                {"libc_version", libc_version},
                                                {"gpu", "none"}}
                                       .dump());
    options.env["TAILOR_FACTS"] = (dir / "facts.json").string();
  }
  // Serves `binary` as bin/hello of hello 1.0.0 and installs it from a plan.
  RunResult install(const fs::path& binary, const std::vector<std::string>& extra = {}) {
    std::string top = "hello-1.0.0/";
    ToolRelease release{"hello", "1.0.0", "tar.gz", "", ""};
    release.bytes = build_archive_bytes(
        "tar.gz", {dir_entry(top), dir_entry(top + "bin/"), file_entry(top + "bin/hello", read_text(binary), 0755),
                   file_entry(top + "README", "not an ELF file\n")});
    release.sha256 = sha256_hex(release.bytes);
    server.add("/" + release.file_name(), release.bytes);
    ordered_json plan = make_tool_plan(release, server.url("/" + release.file_name()));
    plan["platform"]["arch"] = host_arch();
    plan["verify"] = {{"command", "hello"}, {"pattern", "hi"}};
    write_text(dir / "plan.json", plan.dump());
    std::vector<std::string> args = {"install", "--plan", (dir / "plan.json").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_tailor(args, options);
  }
  bool nothing_kept() const {
    bool empty_tmp = !fs::exists(home / "tmp") || fs::is_empty(home / "tmp");
    return !fs::exists(home / "tools" / "hello-1.0.0") && !fs::exists(home / "bin" / "hello") && empty_tmp &&
           (!fs::exists(home / "state.json") || read_text(home / "state.json").find("hello") == std::string::npos);
  }
};

}  // namespace

TEST_CASE("install refuses a build that cannot run here") {
  RunnableEnv env;
  REQUIRE(!env.needs.empty());

  SUBCASE("a binary for this machine installs and runs") {
    auto r = env.install(env.hello);
    INFO(combined(r));
    CHECK(r.exit_code == 0);
    CHECK(run({(env.home / "bin" / "hello").string()}).out == "hi\n");
  }

  SUBCASE("a binary needing a newer glibc is refused before linking, nothing kept") {
    std::string wanted = newer_than_any(env.needs);
    fs::path edited = env.dir / "hello-new";
    raise_version_need(env.hello, edited, "GLIBC_" + env.needs, "GLIBC_" + wanted);
    // The fixture is real: the machine's own loader refuses it the same way.
    CHECK(run({edited.string()}).err.find("GLIBC_" + wanted + "' not found") != std::string::npos);
    auto r = env.install(edited);
    INFO(combined(r));
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("bin/hello needs glibc " + wanted + ", this machine has " + gnu_get_libc_version()) !=
          std::string::npos);
    CHECK(r.err.find("nothing was installed") != std::string::npos);
    CHECK(env.nothing_kept());
  }

  SUBCASE("--force lifts the refusal, with a warning; verify then meets the loader's own error") {
    fs::path edited = env.dir / "hello-new";
    raise_version_need(env.hello, edited, "GLIBC_" + env.needs, "GLIBC_" + newer_than_any(env.needs));
    auto r = env.install(edited, {"--force"});
    INFO(combined(r));
    CHECK(r.err.find("needs glibc " + newer_than_any(env.needs)) != std::string::npos);
    CHECK(r.err.find("installed anyway (--force)") != std::string::npos);
    CHECK(r.exit_code == 6);
    CHECK(r.err.find("verify command 'hello' exited with 1") != std::string::npos);
    CHECK(env.nothing_kept());
  }

  SUBCASE("a musl binary whose loader is missing here is refused") {
    std::string loader = host_arch() == "arm64" ? "/lib/ld-musl-aarch64.so.1" : "/lib/ld-musl-x86_64.so.1";
    fs::path edited = env.dir / "hello-musl";
    set_interpreter(env.hello, edited, loader);
    auto r = env.install(edited);
    INFO(combined(r));
    if (fs::exists(loader)) {
      CHECK(r.exit_code == 0);  // musl is installed here: the binary can run
    } else {
      CHECK(r.exit_code == 6);
      CHECK(r.err.find("bin/hello is built for musl (its loader " + loader +
                       " is missing here), this machine uses "
                       "glibc") != std::string::npos);
      CHECK(env.nothing_kept());
    }
  }

  SUBCASE("a binary for another machine type is refused") {
    fs::path edited = env.dir / "hello-foreign";
    set_machine(env.hello, edited, host_arch() == "arm64" ? EM_X86_64 : EM_AARCH64);
    auto r = env.install(edited);
    INFO(combined(r));
    CHECK(r.exit_code == 6);
    std::string other = host_arch() == "arm64" ? "amd64" : "arm64";
    CHECK(r.err.find("bin/hello is built for " + other + ", this machine is " + host_arch()) != std::string::npos);
    CHECK(env.nothing_kept());
  }
}

TEST_CASE("verify re-checks that installed binaries can run here") {
  RunnableEnv env;
  auto r = env.install(env.hello);
  INFO(combined(r));
  REQUIRE(r.exit_code == 0);
  auto ok = run_tailor({"verify"}, env.options);
  CHECK(ok.exit_code == 0);
  env.use_facts("2.17");  // an older machine (or an older glibc after a downgrade)
  auto old = run_tailor({"verify"}, env.options);
  INFO(combined(old));
  CHECK(old.exit_code == 7);
  CHECK(old.out.find("hello@1.0.0: failed\n  bin/hello needs glibc " + env.needs + ", this machine has 2.17") !=
        std::string::npos);
}

TEST_CASE("a backend build that cannot run here makes the ladder fall back") {
  BackendEnv env({{"cuda", "CUDA0: RTX 4090"}, {"vulkan", "Vulkan0: RTX 4090"}, {"cpu", "CPU"}});
  // The CUDA build's llama-cli is an ELF program needing glibc 2.99 (the facts say 2.39).
  fs::path hello = env.dir / "hello";
  compile_hello(hello);
  std::string needs = highest_glibc_need(hello);
  REQUIRE(!needs.empty());
  raise_version_need(hello, env.dir / "llama-cli", "GLIBC_" + needs, "GLIBC_" + newer_than_any(needs));
  env.server.add(
      "/llamalike-1.0.0-cuda.tar.gz",
      build_archive_bytes("tar.gz", {dir_entry("llamalike-cuda/"),
                                     file_entry("llamalike-cuda/llama-cli", read_text(env.dir / "llama-cli"), 0755)}));
  auto r = env.install();
  INFO(combined(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("the cuda build cannot run on this machine; nothing was installed") != std::string::npos);
  CHECK(r.err.find("falling back from cuda to vulkan") != std::string::npos);
  auto receipt = env.receipt();
  CHECK(receipt["backend"] == "vulkan");
  REQUIRE(receipt["rejected"].size() == 1);
  CHECK(receipt["rejected"][0]["reason"].get<std::string>().starts_with("cannot run here: llama-cli "));
  if (host_arch() == "amd64") {
    CHECK(receipt["rejected"][0]["reason"].get<std::string>().find("needs glibc " + newer_than_any(needs) +
                                                                   ", this machine has 2.39") != std::string::npos);
  }
}
