#include "coord/events_crypto.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/crypto_api.hpp"
#include "util/sha256.hpp"

namespace tailor::coord {
namespace {
const unsigned char* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }
}  // namespace

Result<std::string> random_bytes(size_t count) {
  std::string bytes(count, '\0');
  // getentropy(3) fills at most 256 bytes a call.
  for (size_t done = 0; done < count; done += 256) {
    if (::getentropy(bytes.data() + done, std::min<size_t>(256, count - done)) != 0) {
      return fail(ErrorKind::internal, "the kernel random generator failed: {}", std::strerror(errno));
    }
  }
  return bytes;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string digest(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  const util::CryptoApi& crypto = util::crypto_api();
  crypto.hmac(crypto.sha256_md(), key.data(), static_cast<int>(key.size()), bytes_of(data), data.size(),
              reinterpret_cast<unsigned char*>(digest.data()), &length);
  digest.resize(length);
  return digest;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && util::crypto_api().memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64_encode(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int length = util::crypto_api().encode_block(reinterpret_cast<unsigned char*>(text.data()), bytes_of(bytes),
                                               static_cast<int>(bytes.size()));
  text.resize(static_cast<size_t>(length));
  return text;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string bytes(3 * (text.size() / 4) + 1, '\0');
  int length = util::crypto_api().decode_block(reinterpret_cast<unsigned char*>(bytes.data()), bytes_of(text),
                                               static_cast<int>(text.size()));
  if (length < 0) return std::nullopt;
  // EVP_DecodeBlock counts the zero bytes that padding stands for; drop them.
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  bytes.resize(static_cast<size_t>(length) - padding);
  return bytes;
}

Result<std::string> random_uuid() {
  auto bytes = random_bytes(16);
  if (!bytes) return fail(bytes.error());
  auto& b = *bytes;
  b[6] = static_cast<char>((static_cast<unsigned char>(b[6]) & 0x0f) | 0x40);
  b[8] = static_cast<char>((static_cast<unsigned char>(b[8]) & 0x3f) | 0x80);
  std::string hex = util::to_hex(b);
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4), hex.substr(16, 4),
                     hex.substr(20));
}

}  // namespace tailor::coord
