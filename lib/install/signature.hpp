#pragma once
// Detached OpenPGP signatures of downloads (docs/downloads.md, "Signatures"): a recipe's
// signature_url, signature_key_url and signature_key_fingerprint, checked with GPGME in
// tailor's own keyring under $TAILOR_HOME. Never the user's ~/.gnupg, never the gpg command
// line. Every failure is an integrity failure (ErrorKind::checksum).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/result.hpp"

namespace tailor::install {

// What a download_file step of a plan asks for beyond its checksum.
struct SignatureSpec {
  std::string url;          // the detached signature (binary or ASCII-armoured)
  std::string key_url;      // the public key that made it
  std::string fingerprint;  // the key's fingerprint as the recipe states it
};

// The step's signature_url, signature_key_url and signature_key_fingerprint; nullopt when it
// names none. A step naming only some of them is refused (validation refuses such recipes).
Result<std::optional<SignatureSpec>> signature_of(const nlohmann::ordered_json& params);

// 40 hex digits, upper-case, spaces removed: the form fingerprints are compared in.
std::string normalize_fingerprint(std::string_view fingerprint);

struct SignatureCheck {
  std::filesystem::path keyring;   // GNUPGHOME of tailor ($TAILOR_HOME/keys/gnupg); made 0700
  std::filesystem::path artifact;  // the downloaded bytes
  std::string signature;           // the signature's bytes
  std::string key;                 // the key's bytes (one or more OpenPGP keys)
  SignatureSpec spec;
  std::string artifact_url;  // for messages
};

// Imports the key into the keyring, requires that it has the recipe's fingerprint, and
// requires a good signature of the artifact by that key (or one of its subkeys).
Status verify_signature(const SignatureCheck& check);

}  // namespace tailor::install
