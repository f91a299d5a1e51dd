#include "install/signature.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <type_traits>
#include <vector>

#include "install/gpgme_api.hpp"
#include "util/shared_library.hpp"
#include "util/strings.hpp"

namespace tailor::install {
namespace fs = std::filesystem;
namespace {

struct ContextDeleter {
  void operator()(gpgme_ctx_t ctx) const { gpgme_api().ctx_release(ctx); }
};
struct DataDeleter {
  void operator()(gpgme_data_t data) const { gpgme_api().data_release(data); }
};
struct KeyDeleter {
  void operator()(gpgme_key_t key) const { gpgme_api().key_unref(key); }
};
using Context = std::unique_ptr<std::remove_pointer_t<gpgme_ctx_t>, ContextDeleter>;
using Data = std::unique_ptr<std::remove_pointer_t<gpgme_data_t>, DataDeleter>;
using Key = std::unique_ptr<std::remove_pointer_t<gpgme_key_t>, KeyDeleter>;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string reason(gpgme_error_t err) { return gpgme_api().strerror(err); }

// The keyring directory, 0700 like GnuPG wants its home (and its parent, keys/, too).
Status prepare_keyring(const fs::path& keyring) {
  std::error_code ec;
  fs::create_directories(keyring, ec);
  if (ec) return fail(ErrorKind::checksum, "cannot create the keyring {}: {}", keyring.string(), ec.message());
  for (const fs::path& dir : {keyring.parent_path(), keyring}) {
    if (fs::is_symlink(fs::symlink_status(dir, ec)))
      return fail(ErrorKind::checksum, "the keyring directory {} is a symbolic link; tailor does not use it",
                  dir.string());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  // Importing public keys and verifying need no gpg-agent; without this gpg would start one
  // per keyring and leave it running after tailor exits.
  const fs::path conf = keyring / "gpg.conf";
  if (!fs::exists(fs::symlink_status(conf, ec))) {
    std::ofstream out(conf);
    out << "# written by tailor: public-key work only\nno-autostart\n";
  }
  return {};
}

Result<Context> open_context(const SignatureCheck& check) {
  const GpgmeApi& api = gpgme_api();
  const std::string what = fmt::format("cannot verify the signature of {}", check.artifact_url);
  if (gpgme_error_t err = api.engine_check_version(GPGME_PROTOCOL_OpenPGP); err != 0) {
    return fail(ErrorKind::checksum, "{}: GnuPG is not usable ({}); install the gnupg package", what, reason(err));
  }
  gpgme_ctx_t raw = nullptr;
  if (gpgme_error_t err = api.ctx_new(&raw); err != 0) return fail(ErrorKind::checksum, "{}: {}", what, reason(err));
  Context ctx(raw);
  if (gpgme_error_t err = api.set_protocol(ctx.get(), GPGME_PROTOCOL_OpenPGP); err != 0)
    return fail(ErrorKind::checksum, "{}: {}", what, reason(err));
  if (gpgme_error_t err =
          api.set_engine_info(ctx.get(), GPGME_PROTOCOL_OpenPGP, nullptr, check.keyring.string().c_str());
      err != 0) {
    return fail(ErrorKind::checksum, "{}: keyring {}: {}", what, check.keyring.string(), reason(err));
  }
  api.set_offline(ctx.get(), 1);  // never fetch keys or revocation lists from the network
  return ctx;
}

Result<Data> memory_data(std::string_view bytes, const std::string& what) {
  gpgme_data_t raw = nullptr;
  if (gpgme_error_t err = gpgme_api().data_new_from_mem(&raw, bytes.data(), bytes.size(), 0); err != 0)
    return fail(ErrorKind::checksum, "{}: {}", what, reason(err));
  return Data(raw);
}

// Imports the key; the fingerprints of the primary keys it held.
Result<std::vector<std::string>> import_key(gpgme_ctx_t ctx, const SignatureCheck& check) {
  const GpgmeApi& api = gpgme_api();
  auto data = memory_data(check.key, "cannot read the key " + check.spec.key_url);
  if (!data) return fail(data.error());
  if (gpgme_error_t err = api.op_import(ctx, data->get()); err != 0)
    return fail(ErrorKind::checksum, "cannot import the key {}: {}", check.spec.key_url, reason(err));
  std::vector<std::string> fingerprints;
  if (gpgme_import_result_t result = api.op_import_result(ctx)) {
    for (gpgme_import_status_t status = result->imports; status != nullptr; status = status->next) {
      if (status->result == 0 && status->fpr != nullptr) fingerprints.push_back(normalize_fingerprint(status->fpr));
    }
  }
  if (fingerprints.empty())
    return fail(ErrorKind::checksum, "{} holds no OpenPGP public key; the signature of {} cannot be checked",
                check.spec.key_url, check.artifact_url);
  return fingerprints;
}

// The fingerprint of the primary key that owns (sub)key `fpr`, "" when the keyring lacks it.
std::string primary_of(gpgme_ctx_t ctx, const char* fpr) {
  if (fpr == nullptr) return "";
  gpgme_key_t raw = nullptr;
  if (gpgme_api().get_key(ctx, fpr, &raw, 0) != 0 || raw == nullptr) return "";
  Key key(raw);
  return key->subkeys != nullptr && key->subkeys->fpr != nullptr ? normalize_fingerprint(key->subkeys->fpr) : "";
}

}  // namespace

std::string normalize_fingerprint(std::string_view fingerprint) {
  std::string out;
  for (char ch : fingerprint) {
    if (std::isspace(static_cast<unsigned char>(ch)) == 0)
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return out;
}

Result<std::optional<SignatureSpec>> signature_of(const nlohmann::ordered_json& params) {
  SignatureSpec spec;
  int present = 0;
  for (auto [key, field] : {std::pair{"signature_url", &spec.url}, std::pair{"signature_key_url", &spec.key_url},
                            std::pair{"signature_key_fingerprint", &spec.fingerprint}}) {
    auto it = params.find(key);
    if (it == params.end()) continue;
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
      return fail(ErrorKind::invalid_input, "download_file {} must be a non-empty string", key);
    *field = it->get<std::string>();
    ++present;
  }
  if (present == 0) return std::optional<SignatureSpec>();
  if (present != 3)
    return fail(ErrorKind::invalid_input,
                "download_file names only part of a signature: signature_url, signature_key_url and "
                "signature_key_fingerprint go together");
  return std::optional<SignatureSpec>(std::move(spec));
}

namespace {

Status verify_loaded(const SignatureCheck& check) {
  const std::string expected = normalize_fingerprint(check.spec.fingerprint);
  if (auto ready = prepare_keyring(check.keyring); !ready) return ready;
  auto ctx = open_context(check);
  if (!ctx) return fail(ctx.error());
  auto imported = import_key(ctx->get(), check);
  if (!imported) return fail(imported.error());
  if (std::find(imported->begin(), imported->end(), expected) == imported->end()) {
    return fail(ErrorKind::checksum,
                "the key at {} has fingerprint {}, but the recipe expects {}; the signature of {} is not trusted",
                check.spec.key_url, util::join(*imported, ", "), expected, check.artifact_url);
  }

  const GpgmeApi& api = gpgme_api();
  Fd file{::open(check.artifact.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) return fail(ErrorKind::checksum, "cannot read {} to verify its signature", check.artifact.string());
  gpgme_data_t raw_text = nullptr;
  if (gpgme_error_t err = api.data_new_from_fd(&raw_text, file.fd); err != 0)
    return fail(ErrorKind::checksum, "cannot read {}: {}", check.artifact.string(), reason(err));
  Data text(raw_text);
  auto signature = memory_data(check.signature, "cannot read the signature " + check.spec.url);
  if (!signature) return fail(signature.error());
  if (gpgme_error_t err = api.op_verify(ctx->get(), signature->get(), text.get(), nullptr); err != 0) {
    return fail(ErrorKind::checksum, "bad signature for {}: {} is not a usable OpenPGP signature ({})",
                check.artifact_url, check.spec.url, reason(err));
  }
  gpgme_verify_result_t result = api.op_verify_result(ctx->get());
  if (result == nullptr || result->signatures == nullptr)
    return fail(ErrorKind::checksum, "bad signature for {}: {} holds no signature", check.artifact_url, check.spec.url);
  std::string problem;
  for (gpgme_signature_t sig = result->signatures; sig != nullptr; sig = sig->next) {
    const std::string signer = primary_of(ctx->get(), sig->fpr);
    if (gpgme_err_code(sig->status) == GPG_ERR_NO_ERROR && signer == expected) return {};
    if (gpgme_err_code(sig->status) == GPG_ERR_BAD_SIGNATURE) {
      problem = fmt::format("the signature does not match the download (made by {})", signer.empty() ? "?" : signer);
    } else if (signer != expected) {
      problem = fmt::format("it was made by key {}, not by the recipe's key {}",
                            sig->fpr != nullptr ? normalize_fingerprint(sig->fpr) : std::string("(unknown)"), expected);
    } else {
      problem = reason(sig->status);
    }
  }
  return fail(ErrorKind::checksum, "bad signature for {}: {} ({})", check.artifact_url, problem, check.spec.url);
}

}  // namespace

Status verify_signature(const SignatureCheck& check) {
  try {
    return verify_loaded(check);
  } catch (const util::MissingLibrary& missing) {
    // Without GPGME nothing can vouch for the bytes: an integrity failure like any other.
    return fail(ErrorKind::checksum, "cannot verify the signature of {}: {}", check.artifact_url, missing.what());
  }
}

}  // namespace tailor::install
