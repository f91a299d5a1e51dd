#include "util/crypto_api.hpp"

#include "util/shared_library.hpp"

namespace tailor::util {

const CryptoApi& crypto_api() {
  static const CryptoApi k_api = [] {
    SharedLibrary lib("libcrypto.so.3", "libssl3");
    CryptoApi a{};
    lib.bind(a.sha256_md, "EVP_sha256");
    lib.bind(a.sha512_md, "EVP_sha512");
    lib.bind(a.md_ctx_new, "EVP_MD_CTX_new");
    lib.bind(a.md_ctx_free, "EVP_MD_CTX_free");
    lib.bind(a.digest_init, "EVP_DigestInit_ex");
    lib.bind(a.digest_update, "EVP_DigestUpdate");
    lib.bind(a.digest_final, "EVP_DigestFinal_ex");
    lib.bind(a.sha256, "SHA256");
    lib.bind(a.hmac, "HMAC");
    lib.bind(a.memcmp, "CRYPTO_memcmp");
    lib.bind(a.encode_block, "EVP_EncodeBlock");
    lib.bind(a.decode_block, "EVP_DecodeBlock");
    return a;
  }();
  return k_api;
}

}  // namespace tailor::util
