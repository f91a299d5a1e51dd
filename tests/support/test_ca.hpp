#pragma once
// A certificate authority made at test time: a self-signed CA and a server certificate for
// 127.0.0.1, ::1 and localhost, both with EC P-256 keys. Nothing is committed to the tree.
#include <filesystem>

namespace tailor::test {

struct TestCertificates {
  std::filesystem::path ca_file;    // ca.pem: the CA certificate clients must trust
  std::filesystem::path cert_file;  // server.pem: the server certificate, signed by the CA
  std::filesystem::path key_file;   // server.key: the server's private key (PKCS#8 PEM)
};

// Writes ca.pem, server.pem and server.key into `dir` (created when missing) and returns
// their paths. The keys and certificates are generated once per test process and reused.
TestCertificates write_test_certificates(const std::filesystem::path& dir);

}  // namespace tailor::test
