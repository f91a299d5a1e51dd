#include "util/sha256.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <array>
#include <memory>

#include "util/crypto_api.hpp"
#include "util/strings.hpp"

namespace tailor::util {

Sha256::Sha256() : m_context(crypto_api().md_ctx_new()) {
  crypto_api().digest_init(static_cast<EVP_MD_CTX*>(m_context), crypto_api().sha256_md(), nullptr);
}

Sha256::~Sha256() { crypto_api().md_ctx_free(static_cast<EVP_MD_CTX*>(m_context)); }

void Sha256::update(const void* data, std::size_t size) {
  crypto_api().digest_update(static_cast<EVP_MD_CTX*>(m_context), data, size);
}

std::string Sha256::hex_digest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  crypto_api().digest_final(static_cast<EVP_MD_CTX*>(m_context), digest.data(), &length);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

Result<std::string> file_digest(const std::filesystem::path& path, const std::string& algorithm) {
  const CryptoApi& crypto = crypto_api();
  const EVP_MD* md =
      algorithm == "sha512" ? crypto.sha512_md() : (algorithm == "sha256" ? crypto.sha256_md() : nullptr);
  if (md == nullptr)
    return fail(ErrorKind::invalid_input, "unsupported checksum_algo '{}' (expected sha256 or sha512)", algorithm);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::failure, "cannot read {}: {}", path.string(), std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(crypto.md_ctx_free)> ctx(crypto.md_ctx_new(), crypto.md_ctx_free);
  crypto.digest_init(ctx.get(), md, nullptr);
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      return fail(ErrorKind::failure, "cannot read {}: {}", path.string(), std::strerror(saved));
    }
    if (n == 0) break;
    crypto.digest_update(ctx.get(), buffer.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  crypto.digest_final(ctx.get(), digest.data(), &length);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

std::string sha256_bytes(std::string_view text) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  crypto_api().sha256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                      reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string sha256_hex(std::string_view text) { return to_hex(sha256_bytes(text)); }

std::string to_hex(std::string_view bytes) {
  static constexpr std::string_view k_hex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto byte = static_cast<unsigned char>(c);
    out.push_back(k_hex[byte >> 4]);
    out.push_back(k_hex[byte & 15]);
  }
  return out;
}

std::string normalize_checksum(std::string_view text) {
  std::string value = to_lower(trim(text));
  if (auto colon = value.find(':'); colon != std::string::npos) {
    const std::string rest = value.substr(colon + 1);
    value = std::string(trim(rest));
  }
  return value;
}

}  // namespace tailor::util
