#pragma once
// The environment of a `tailor` child that installs from a local HTTPS test server: its own
// TAILOR_HOME, the server's CA, and facts (linux/amd64, no GPU) that never read the real machine.
#include <filesystem>
#include <string>
#include <vector>

#include "support/https_server.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace tailor::test {

RunOptions local_install_env(const HttpsServer& server, const std::filesystem::path& home);

// A fresh TAILOR_HOME that installs from `server`: plan() serves <tool>-<version> (a tiny tool
// whose binary prints its name and version) and writes its plan file.
struct ServedHome {
  HttpsServer& server;
  std::filesystem::path home = fresh_dir("served-home");
  std::filesystem::path dir = fresh_dir("served-work");
  RunOptions options = local_install_env(server, home);

  std::filesystem::path plan(const std::string& tool, const std::string& version) const;
  RunResult install(const std::filesystem::path& plan) const;
  RunResult tailor(const std::vector<std::string>& args) const;
};

}  // namespace tailor::test
