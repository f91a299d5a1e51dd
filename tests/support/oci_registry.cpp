#include "support/oci_registry.hpp"

#include <crypt.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <thread>

#include <fmt/format.h>

#include "support/scratch.hpp"
#include "support/test_ca.hpp"

namespace tailor::test {
namespace fs = std::filesystem;

namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

// An htpasswd line with a bcrypt hash (libxcrypt), which is all distribution accepts.
std::string htpasswd_line(const std::string& user, const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", 5, nullptr, 0, salt, sizeof salt) == nullptr) return "";
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), salt, &data);
  if (hash == nullptr || hash[0] == '*') return "";
  return user + ":" + hash + "\n";
}

}  // namespace

std::string registry_binary() {
  if (const char* path = std::getenv("TAILOR_TEST_REGISTRY"); path != nullptr && *path != '\0') {
    return ::access(path, X_OK) == 0 ? path : "";
  }
  return ::access("/usr/bin/docker-registry", X_OK) == 0 ? "/usr/bin/docker-registry" : "";
}

OciRegistry::OciRegistry(Options options) : m_dir(fresh_dir("oci-registry")) {
  std::string binary = registry_binary();
  if (binary.empty()) {
    m_error = "docker-registry is not installed (scripts/install-deps.sh installs it)";
    return;
  }
  TestCertificates certs = write_test_certificates(m_dir / "tls");
  m_ca = certs.ca_file;
  m_log = m_dir / "registry.log";
  std::string auth;
  if (!options.user.empty()) {
    std::string line = htpasswd_line(options.user, options.password);
    if (line.empty()) {
      m_error = "cannot make a bcrypt hash with crypt(3)";
      return;
    }
    write_text(m_dir / "htpasswd", line);
    auth = fmt::format("auth:\n  htpasswd:\n    realm: tailor-test\n    path: {}\n", (m_dir / "htpasswd").string());
  }
  for (int attempt = 0; attempt < 3 && m_pid <= 0; ++attempt) {
    m_port = free_port();
    write_text(
        m_dir / "config.yml",
        fmt::format("version: 0.1\nlog:\n  level: info\n  formatter: text\nstorage:\n  filesystem:\n"
                    "    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{}\n"
                    "  tls:\n    certificate: {}\n    key: {}\n{}",
                    (m_dir / "storage").string(), m_port, certs.cert_file.string(), certs.key_file.string(), auth));
    pid_t pid = ::fork();
    if (pid == 0) {
      int fd = ::open(m_log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      std::string config = (m_dir / "config.yml").string();
      ::execl(binary.c_str(), binary.c_str(), "serve", config.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    m_pid = pid;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!port_open(m_port)) {
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid || std::chrono::steady_clock::now() > deadline) {
        if (std::chrono::steady_clock::now() > deadline) stop();
        m_pid = -1;
        m_error = "docker-registry did not start: " + read_text(m_log);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (m_pid > 0) m_error.clear();
}

OciRegistry::~OciRegistry() { stop(); }

void OciRegistry::stop() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
}

std::string OciRegistry::host() const { return fmt::format("127.0.0.1:{}", m_port); }

std::string OciRegistry::oci_url(const std::string& repository) const {
  return fmt::format("oci://{}/{}", host(), repository);
}

fs::path OciRegistry::blob_data(const std::string& sha256) const {
  return m_dir / "storage" / "docker" / "registry" / "v2" / "blobs" / "sha256" / sha256.substr(0, 2) / sha256 / "data";
}

std::vector<std::string> OciRegistry::requests() const {
  std::vector<std::string> out;
  std::ifstream in(m_log);
  static const std::regex k_access(R"(^\S+ - \S+ \[[^\]]*\] "(\S+) (\S+) HTTP/[0-9.]+" (\d+))");
  std::string line;
  std::smatch match;
  while (std::getline(in, line)) {
    if (std::regex_search(line, match, k_access)) out.push_back(match[1].str() + " " + match[2].str());
  }
  return out;
}

}  // namespace tailor::test
