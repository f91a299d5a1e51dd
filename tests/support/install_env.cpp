#include "support/install_env.hpp"

#include "support/scratch.hpp"

namespace tailor::test {

RunOptions local_install_env(const HttpsServer& server, const std::filesystem::path& home) {
  std::filesystem::path dir = fresh_dir("install-env");
  std::filesystem::create_directories(dir / "sysroot");
  write_text(dir / "facts.json", R"({"facts_version": 1, "os": "linux", "arch": "amd64", "gpu": "none"})");
  RunOptions options;
  options.env = {{"TAILOR_HOME", home.string()},
                 {"TAILOR_CA_BUNDLE", server.ca_file().string()},
                 {"TAILOR_SYSROOT", (dir / "sysroot").string()},
                 {"TAILOR_FACTS", (dir / "facts.json").string()},
                 {"CI", "1"}};
  return options;
}

}  // namespace tailor::test
