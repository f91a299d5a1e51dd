#include "support/gpg_signer.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "support/process.hpp"
#include "support/scratch.hpp"

namespace tailor::test {
namespace fs = std::filesystem;
namespace {

// `name` on PATH (the runner execs an absolute path).
std::string program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0) return (fs::path(dir) / name).string();
  }
  throw std::runtime_error(name + " is not on PATH (Debian: apt install gnupg)");
}

RunResult gpg(const fs::path& home, std::vector<std::string> args) {
  args.insert(args.begin(), {program("gpg"), "--homedir", home.string(), "--batch", "--no-tty", "--quiet"});
  RunResult result = run(args);
  if (result.exit_code != 0) throw std::runtime_error("gpg failed: " + result.err);
  return result;
}

}  // namespace

GpgSigner::GpgSigner(const std::string& user_id) {
  std::string pattern = "/tmp/tgpg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  m_home = pattern;
  gpg(m_home, {"--passphrase", "", "--quick-gen-key", user_id, "ed25519", "sign", "never"});
  std::istringstream listing(gpg(m_home, {"--with-colons", "--list-keys"}).out);
  for (std::string line; std::getline(listing, line) && m_fingerprint.empty();) {
    if (line.starts_with("fpr:")) {
      std::string field = line.substr(0, line.size() - 1);  // "fpr:::::::::<FPR>:"
      m_fingerprint = field.substr(field.rfind(':') + 1);
    }
  }
  if (m_fingerprint.size() != 40) throw std::runtime_error("no fingerprint in gpg's key listing");
  m_public_key = gpg(m_home, {"--armor", "--export", m_fingerprint}).out;
}

GpgSigner::~GpgSigner() {
  try {
    run({program("gpgconf"), "--homedir", m_home.string(), "--kill", "all"});  // the agent gpg started
  } catch (const std::exception&) {
    // No gpgconf: no agent of ours runs either.
  }
  std::error_code ec;
  fs::remove_all(m_home, ec);
}

std::string GpgSigner::sign(const std::string& bytes) const {
  static int counter = 0;
  const fs::path file = m_home / ("file-" + std::to_string(++counter));
  write_text(file, bytes);
  gpg(m_home, {"--pinentry-mode", "loopback", "--passphrase", "", "--local-user", m_fingerprint, "--armor",
               "--detach-sign", "--output", file.string() + ".asc", file.string()});
  return read_text(file.string() + ".asc");
}

}  // namespace tailor::test
