#pragma once
// Bounds on the shape of TOML text, checked before toml++ parses it. toml++ makes one nested
// table per component of a dotted key and frees its tree recursively; its own depth limit
// covers arrays and inline tables only, so `[a.a.a…]` with 150,000 components overflows the
// stack although the file is far below any size cap. Every TOML reader runs this check first.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tailor::util {

struct TomlLimits {
  // Components of one key: `[a.b.c]`, `[[a.b]]`, `a.b.c = 1`, `{ a.b = 1 }`; `"a.b"` is one.
  size_t max_key_parts = 32;
  // Arrays and inline tables open at once (toml++ alone allows 256).
  size_t max_nesting = 32;
  // Keys of key/value pairs (also inside inline tables) plus table headers in the whole text.
  size_t max_keys = 100'000;
};

struct TomlLimitExceeded {
  std::string message;  // which limit, e.g. "key has 40 dotted parts; the limit is 32 parts per key"
  size_t line = 0;      // 1-based position of the key (or bracket) that exceeds it
  size_t column = 0;    // 1-based, counted in code points as toml++ counts them
};

// Scans `text` lexically (strings, comments, headers, keys, arrays, inline tables) and returns the
// first limit it exceeds, or nullopt. Text that is not valid TOML is left to toml++ to report:
// toml++ stops at the first error, so it never builds anything past what this scan understood.
std::optional<TomlLimitExceeded> check_toml_limits(std::string_view text, const TomlLimits& limits = {});

}  // namespace tailor::util
