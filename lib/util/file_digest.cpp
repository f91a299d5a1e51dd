#include "util/file_digest.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <array>
#include <memory>

#include "util/crypto_api.hpp"

namespace tailor::util {

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
  static const char* k_hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out.push_back(k_hex[digest[i] >> 4]);
    out.push_back(k_hex[digest[i] & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  const CryptoApi& crypto = crypto_api();
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  crypto.sha256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  static const char* k_hex = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : digest) {
    out.push_back(k_hex[byte >> 4]);
    out.push_back(k_hex[byte & 15]);
  }
  return out;
}

}  // namespace tailor::util
