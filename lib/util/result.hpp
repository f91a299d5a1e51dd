#pragma once
// One error model for the whole library: expected-style results carrying a typed Error.
#include <string>
#include <utility>

#include <fmt/format.h>
#include <tl/expected.hpp>

namespace tailor {

// Kinds of failure; each maps to one documented exit code (docs/exit-codes.md).
enum class ErrorKind {
  failure = 1,           // generic failure, unsupported platform, invalid recipe
  usage = 2,             // bad flag or value given by the user
  recipe_not_found = 3,  // no recipe of that name
  version = 4,           // version could not be resolved
  network = 5,           // download or API failure after retries
  install = 6,           // install step or post-install verify failed
  verify = 7,            // `tailor verify` found a problem
  system_deps = 8,       // system packages missing; tailor printed the command to run
  checksum = 9,          // checksum or size mismatch
  invalid_input = 10,    // hostile or oversized input refused (archives, limits)
  partial = 15,          // some of several tools failed
  internal = 70,         // a bug in tailor
  lock_busy = 75,        // install lock held or root reserved by someone else
};

struct Error {
  ErrorKind kind = ErrorKind::failure;
  std::string message;
};

template <typename T>
using Result = tl::expected<T, Error>;

using Status = tl::expected<void, Error>;

// Builds an unexpected Error from a fmt format string.
template <typename... Args>
tl::unexpected<Error> fail(ErrorKind kind, fmt::format_string<Args...> format, Args&&... args) {
  return tl::unexpected<Error>(Error{kind, fmt::format(format, std::forward<Args>(args)...)});
}

inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

inline int exit_code(ErrorKind kind) { return static_cast<int>(kind); }

}  // namespace tailor
