#pragma once
// libcrypto (OpenSSL 3), loaded on first use: hashing, HMAC and base64.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace tailor::util {

struct CryptoApi {
  decltype(&::EVP_sha256) sha256_md;
  decltype(&::EVP_sha512) sha512_md;
  decltype(&::EVP_MD_CTX_new) md_ctx_new;
  decltype(&::EVP_MD_CTX_free) md_ctx_free;
  decltype(&::EVP_DigestInit_ex) digest_init;
  decltype(&::EVP_DigestUpdate) digest_update;
  decltype(&::EVP_DigestFinal_ex) digest_final;
  decltype(&::SHA256) sha256;
  decltype(&::HMAC) hmac;
  decltype(&::CRYPTO_memcmp) memcmp;
  decltype(&::EVP_EncodeBlock) encode_block;
  decltype(&::EVP_DecodeBlock) decode_block;
};

// The table, loaded from libcrypto.so.3 on the first call; throws util::MissingLibrary.
const CryptoApi& crypto_api();

}  // namespace tailor::util
