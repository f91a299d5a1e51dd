#pragma once
// The environment of a `tailor` child that installs from a local HTTPS test server: its own
// TAILOR_HOME, the server's CA, and facts (linux/amd64, no GPU) that never read the real machine.
#include <filesystem>

#include "support/https_server.hpp"
#include "support/process.hpp"

namespace tailor::test {

RunOptions local_install_env(const HttpsServer& server, const std::filesystem::path& home);

}  // namespace tailor::test
