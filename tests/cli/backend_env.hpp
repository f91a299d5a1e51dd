#pragma once
// A backend recipe ("llamalike", version 1.0.0) served by a real HTTPS server, with one build per
// backend whose llama-cli passes or fails the [verify.backend] smoke check on purpose, and a
// scratch TAILOR_HOME. Shared by the install tests of backend recipes.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace tailor::test {

// `devices` is what `llama-cli --list-devices` prints; an empty string makes it exit 1.
inline std::string build_archive_for(const std::string& backend, const std::string& devices) {
  std::string list = devices.empty() ? "echo 'ggml: no usable device' >&2; exit 1" : "echo '" + devices + "'";
  std::string script = "#!/bin/sh\ncase \"$1\" in\n  --version) echo 'llamalike 1.0.0 (" + backend +
                       ")' ;;\n  --list-devices) " + list + " ;;\nesac\n";
  std::string top = "llamalike-" + backend + "/";
  // Like llama.cpp's release archives: the executables sit at the top of the tree, not in bin/.
  return build_archive_bytes("tar.gz", {dir_entry(top), file_entry(top + "llama-cli", script, 0755)});
}

inline std::string recipe_step(const HttpsServer& server, const std::string& backend) {
  return "[[steps]]\naction = \"download_archive\"\nurl = \"" +
         server.url("/llamalike-{version}-" + backend + ".tar.gz") +
         "\"\nstrip_dirs = 1\ninstall_mode = \"directory\"\nbinaries = [\"llama-cli\"]\nwhen = { os = [\"" +
         std::string(backend == "metal" ? "darwin" : "linux") + "\"], backend = [\"" + backend + "\"] }\n\n";
}

struct BackendEnv {
  HttpsServer server;
  std::filesystem::path home = fresh_dir("home");
  std::filesystem::path dir = fresh_dir("work");
  RunOptions options;

  // `devices` maps each backend to its --list-devices output ("" = the check fails); the metal
  // build is a darwin step, the others linux steps. The machine is an NVIDIA one with driver
  // 580 until use_facts says otherwise.
  explicit BackendEnv(const std::vector<std::pair<std::string, std::string>>& devices) {
    std::filesystem::create_directories(dir / "sysroot");
    std::filesystem::create_directories(dir / "registry");
    std::string recipe =
        "[metadata]\nname = \"llamalike\"\ndescription = \"Backend builds for tests\"\n"
        "homepage = \"https://llamalike.example.org/\"\n\n[version]\nsource = \"http_json\"\n"
        "url = \"" +
        server.url("/version.json") + "\"\nversion_path = \"version\"\n\n";
    server.add_json("/version.json", R"({"version": "1.0.0"})");
    for (const auto& [backend, output] : devices) {
      server.add("/llamalike-1.0.0-" + backend + ".tar.gz", build_archive_for(backend, output));
      recipe += recipe_step(server, backend);
    }
    recipe +=
        "[verify]\ncommand = \"llama-cli --version\"\npattern = \"llamalike {version}\"\n\n"
        "[verify.backend]\ncommand = \"llama-cli --list-devices\"\npattern = \"{backend_device}\"\ntimeout = 10\n";
    write_text(dir / "registry" / "llamalike.toml", recipe);
    options.env = {{"TAILOR_HOME", home.string()},
                   {"TAILOR_CA_BUNDLE", server.ca_file().string()},
                   {"TAILOR_SYSROOT", (dir / "sysroot").string()},
                   {"TAILOR_FACTS", testdata("plan/facts/nvidia-drv580.json").string()},
                   {"CI", "1"}};
    options.timeout_seconds = 60;
  }
  // Plans for the machine of testdata/plan/facts/<file> instead.
  void use_facts(const std::string& file) { options.env["TAILOR_FACTS"] = testdata("plan/facts/" + file).string(); }
  RunResult install(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"install", "llamalike@1.0.0", "--registry", (dir / "registry").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_tailor(args, options);
  }
  std::filesystem::path tool_dir() const { return home / "tools" / "llamalike-1.0.0"; }
  nlohmann::ordered_json receipt() const {
    return nlohmann::ordered_json::parse(read_text(tool_dir() / ".tailor" / "receipt.json"));
  }
  nlohmann::ordered_json state() const { return nlohmann::ordered_json::parse(read_text(home / "state.json")); }
  // The backend state.json records for the installed version.
  std::string state_backend() const {
    return state()["installed"]["llamalike"]["versions"]["1.0.0"]["plan"]["platform"].value("backend", std::string());
  }
  std::string run_cli(const std::string& arg) const { return run({(home / "bin" / "llama-cli").string(), arg}).out; }
};

inline std::string combined(const RunResult& r) { return r.out + r.err; }

}  // namespace tailor::test
