#pragma once
// An OpenPGP key pair made at test time with `gpg --batch` in a GnuPG home of its own (never
// the user's), to sign test artifacts the way upstream projects publish them: a detached,
// ASCII-armoured signature beside the file and the public key at a URL.
#include <filesystem>
#include <string>

namespace tailor::test {

class GpgSigner {
 public:
  // Generates an Ed25519 signing key without a passphrase for `user_id`.
  explicit GpgSigner(const std::string& user_id = "tailor test <test@tailor.invalid>");
  ~GpgSigner();
  GpgSigner(const GpgSigner&) = delete;
  GpgSigner& operator=(const GpgSigner&) = delete;

  // 40 upper-case hex digits of the primary key.
  const std::string& fingerprint() const { return m_fingerprint; }
  // The public key, ASCII-armoured.
  const std::string& public_key() const { return m_public_key; }
  // A detached, ASCII-armoured signature of `bytes`.
  std::string sign(const std::string& bytes) const;

 private:
  std::filesystem::path m_home;  // short, under /tmp: gpg-agent's socket lives in it
  std::string m_fingerprint;
  std::string m_public_key;
};

}  // namespace tailor::test
