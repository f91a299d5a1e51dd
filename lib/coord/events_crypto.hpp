#pragma once
// The few cryptographic primitives lifecycle events and reservations need: random bytes from
// the kernel (getentropy), and HMAC-SHA256 and Base64 from OpenSSL; a random UUID. SHA-256 and
// hex are in util/sha256.hpp.
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace tailor::coord {

// `count` bytes from the kernel's CSPRNG (getentropy, which every event id needs: it does not
// wait for libcrypto to load and seed its own); fails only if the generator is unusable.
Result<std::string> random_bytes(size_t count);
// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Equal-length comparison that takes the same time wherever the inputs differ (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);
std::string base64_encode(std::string_view bytes);
// Standard Base64 with padding; nullopt when `text` is not valid Base64.
std::optional<std::string> base64_decode(std::string_view text);
// A random (version 4) UUID in its 8-4-4-4-12 form.
Result<std::string> random_uuid();

}  // namespace tailor::coord
