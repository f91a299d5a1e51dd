#pragma once
// A real OCI registry for tests: Debian's docker-registry (CNCF distribution) on 127.0.0.1
// with TLS from the test CA and filesystem storage in a scratch directory, optionally behind
// htpasswd (bcrypt) basic auth. Its access log tells which requests it served.
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace tailor::test {

// The registry binary (TAILOR_TEST_REGISTRY, else /usr/bin/docker-registry); "" when missing.
std::string registry_binary();

class OciRegistry {
 public:
  struct Options {
    std::string user;  // non-empty: htpasswd auth with this user and `password`
    std::string password;
  };
  explicit OciRegistry(Options options = {});
  ~OciRegistry();
  OciRegistry(const OciRegistry&) = delete;
  OciRegistry& operator=(const OciRegistry&) = delete;

  // False when it did not come up (the reason in error()).
  bool running() const { return m_pid > 0; }
  const std::string& error() const { return m_error; }
  std::string host() const;                                  // "127.0.0.1:PORT"
  std::string oci_url(const std::string& repository) const;  // "oci://127.0.0.1:PORT/repository"
  const std::filesystem::path& ca_file() const { return m_ca; }
  // Where the registry keeps the bytes of blob sha256:`sha256`.
  std::filesystem::path blob_data(const std::string& sha256) const;
  // "METHOD /uri" of every request answered so far, from the access log.
  std::vector<std::string> requests() const;
  void stop();

 private:
  std::filesystem::path m_dir;
  std::filesystem::path m_ca;
  std::filesystem::path m_log;
  int m_port = 0;
  pid_t m_pid = -1;
  std::string m_error;
};

}  // namespace tailor::test
